/// The OpenAPI 3.1 description of the API (`GET /api/v1/openapi.json`), kept true by a test
/// that calls every route it lists.
enum OpenAPIDocument {
    static let json: String = {
        let h = "#"
        func ref(_ name: String) -> String { #"{"$ref": "\#(h)/components/schemas/\#(name)"}"# }
        func json(_ schema: String) -> String { #"{"content": {"application/json": {"schema": \#(schema)}}}"# }
        let errors = #""400": {"$ref": "\#(h)/components/responses/Error"}, "401": {"$ref": "\#(h)/components/responses/Error"}, "403": {"$ref": "\#(h)/components/responses/Error"}, "404": {"$ref": "\#(h)/components/responses/Error"}, "409": {"$ref": "\#(h)/components/responses/Error"}, "413": {"$ref": "\#(h)/components/responses/Error"}, "415": {"$ref": "\#(h)/components/responses/Error"}, "422": {"$ref": "\#(h)/components/responses/Error"}, "423": {"$ref": "\#(h)/components/responses/Error"}, "429": {"$ref": "\#(h)/components/responses/Error"}, "503": {"$ref": "\#(h)/components/responses/Error"}"#
        func op(_ id: String, _ summary: String, params: [String] = [], body: String? = nil, status: String = "200", response: String? = nil) -> String {
            var parts = [#""operationId": "\#(id)""#, #""summary": "\#(summary)""#]
            if !params.isEmpty { parts.append(#""parameters": [\#(params.joined(separator: ", "))]"#) }
            if let body { parts.append(#""requestBody": {"required": true, "content": {"application/json": {"schema": \#(body)}}}"#) }
            let ok = response.map { #""\#(status)": {"description": "done", "content": {"application/json": {"schema": \#($0)}}}"# } ?? #""\#(status)": {"description": "done"}"#
            parts.append(#""responses": {\#(ok), \#(errors)}"#)
            return "{" + parts.joined(separator: ", ") + "}"
        }
        func path(_ name: String, _ description: String) -> String {
            #"{"name": "\#(name)", "in": "path", "required": true, "description": "\#(description)", "schema": {"type": "string"}}"#
        }
        func query(_ name: String, _ description: String, _ type: String = "string") -> String {
            #"{"name": "\#(name)", "in": "query", "required": false, "description": "\#(description)", "schema": {"type": "\#(type)"}}"#
        }
        let table = path("table", "a table's name"), id = path("id", "a row's id")
        let filters = [("person", "a person's name"), ("client", "a client's name"), ("project", "a project's name"), ("tag", "one tag"),
                       ("category", "a category"), ("status", "an entry's status")].map { query($0.0, "only rows of " + $0.1) }
        let paths: [(String, [(String, String)])] = [
            ("/tables", [("get", op("listTables", "The schema: tables, their fields and types", response: ref("Tables")))]),
            ("/tables/{table}/rows", [
                ("get", op("listRows", "Rows the caller may read, a page at a time", params: [table, query("where", "a formula, e.g. hours > 10h"), query("order", "a field; -field for descending"), query("limit", "rows per page (at most 1000)", "integer"), query("cursor", "the previous page's next")], response: ref("RowPage"))),
                ("post", op("createRow", "Adds a row; answers it with its computed fields", params: [table], body: ref("Fields"), status: "201", response: ref("Row"))),
            ]),
            ("/tables/{table}/rows/{id}", [
                ("get", op("getRow", "One row", params: [table, id], response: ref("Row"))),
                ("patch", op("updateRow", "Changes fields of a row", params: [table, id], body: ref("Fields"), response: ref("Row"))),
                ("delete", op("deleteRow", "Deletes a row", params: [table, id], status: "204")),
            ]),
            ("/timers", [("get", op("listTimers", "My running timers (everyone=true: everyone's, for a lead)", params: [query("everyone", "true for everyone's", "boolean")], response: ref("Timers")))]),
            ("/timers/start", [("post", op("startTimer", "Starts the timer of a row", body: ref("TimerTarget"), status: "201", response: ref("Timer")))]),
            ("/timers/stop", [("post", op("stopTimer", "Stops the timer of a row, my only one, or all of mine", body: ref("TimerStop"), response: ref("Stopped")))]),
            ("/timers/switch", [("post", op("switchTimer", "Stops my timers and starts this row's", body: ref("TimerTarget"), response: ref("Switched")))]),
            ("/log", [("post", op("logEntry", "Logs time by hand for the caller (flagged manual)", body: ref("LogEntry"), status: "201", response: ref("Row")))]),
            ("/report", [("post", op("runReport", "Runs a report query, as tabula report --format json", body: #"{"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}"#, response: ref("ReportRows")))]),
            ("/reports/{name}", [("get", op("runSavedReport", "Runs a saved report, narrowed by filters (joined to its where, so the read rules hold); format=csv or xlsx downloads it as tabula report --format csv|xlsx writes it", params: [path("name", "the saved report's name"), query("for", "another period, e.g. 2026-11"), query("per", "the missing report per week or month (default: per day)")] + filters + [query("format", "json (default), csv or xlsx")], response: ref("ReportRows")))]),
            ("/pins", [
                ("get", op("listPins", "The reports I pinned to my start page", response: ref("Pins"))),
                ("post", op("pinReport", "Pins a saved report (with a period and filters) to my start page", body: ref("ReportView"), status: "201", response: ref("Pin"))),
            ]),
            ("/pins/{id}", [("delete", op("unpinReport", "Unpins one of my pinned reports", params: [path("id", "the pin's id")], status: "204"))]),
            ("/shares", [
                ("get", op("listShares", "My shared report links (never their tokens)", response: ref("Shares"))),
                ("post", op("shareReport", "Makes a read-only link to one saved report (with its period and filters), shown as I may see it at /shared/TOKEN; the token is answered once, only its hash is kept", body: ref("ReportView"), status: "201", response: ref("Share"))),
            ]),
            ("/shares/{id}", [("delete", op("unshareReport", "Revokes one of my shared links: it stops working at once", params: [path("id", "the link's id")], status: "204"))]),
            ("/periods", [("get", op("listPeriods", "The months and their states", response: ref("Periods")))]),
            ("/periods/{month}/close", [("post", op("closePeriod", "Closes a month", params: [path("month", "YYYY-MM")], response: ref("Period")))]),
            ("/periods/{month}/approve", [("post", op("approvePeriod", "Approves a month (approver role)", params: [path("month", "YYYY-MM")], response: ref("Period")))]),
            ("/periods/{month}/reopen", [("post", op("reopenPeriod", "Reopens a month (approver role)", params: [path("month", "YYYY-MM")], response: ref("Period")))]),
            ("/requests", [
                ("get", op("listRequests", "Edit requests on rows I may read (all=true: decided ones too)", params: [query("all", "decided ones too", "boolean")], response: ref("Requests"))),
                ("post", op("fileRequest", "Asks for a change to a locked row", body: ref("RequestBody"), status: "201", response: ref("Request"))),
            ]),
            ("/requests/{id}/approve", [("post", op("approveRequest", "Approves an edit request (approver role)", params: [path("id", "the request's id")], body: ref("Decision"), response: ref("Request")))]),
            ("/requests/{id}/reject", [("post", op("rejectRequest", "Rejects an edit request (approver role)", params: [path("id", "the request's id")], body: ref("Decision"), response: ref("Request")))]),
            ("/feeds/{table}", [("post", op("receiveFeed", "Takes a batch of another base's feed into a table that is fed from outside (a feed token of that table only): each row inserted, changed or deleted once per version; answers which rows were taken and which refused, and why (dry_run=true: checked, nothing kept)", params: [path("table", "the fed table, e.g. ContractorHours"), query("dry_run", "check only", "boolean")], body: #"{"type": "object", "required": ["feed", "sender", "table", "rows"], "properties": {"feed": {"type": "string"}, "sender": {"type": "string"}, "table": {"type": "string"}, "rows": {"type": "array", "items": {"type": "object", "required": ["id", "version"], "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}, "fields": {"type": ["object", "null"], "additionalProperties": {"type": "string"}}}}}}}"#, response: #"{"type": "object", "properties": {"accepted": {"type": "array", "items": {"type": "integer"}}, "refused": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "message": {"type": "string"}, "hint": {"type": "string"}}}}}}"#))]),
            ("/feeds/source/{table}", [("get", op("feedSource", "The rows of a table another base copies (table T from BASE.TABLE), the named fields as typed text, as the token's person may read them", params: [path("table", "the table, e.g. Tasks"), query("fields", "comma-separated field names")], response: #"{"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}"#))]),
            ("/feeds/stamp", [("get", op("feedStamp", "A number that grows with every change of the base: a copying base refreshes only when it moved", response: #"{"type": "object", "properties": {"stamp": {"type": "integer"}}}"#))]),
            ("/me", [("get", op("me", "Who I am: name, roles, whether my team records activity, whether I may export", response: ref("Me")))]),
            ("/exports/{template}", [("get", #"{"operationId": "exportMonth", "summary": "A month's billable hours in accounting's shape, as tabula export writes it (finance or lead; an approved month unless draft=true)", "parameters": [\#(path("template", "1c, sap-cats, sap-timesheet, csv or payroll")), {"name": "period", "in": "query", "required": true, "description": "the month, e.g. 2026-11", "schema": {"type": "string"}}, \#(query("format", "csv (default) or xlsx")), \#(query("draft", "true: a month not approved yet, marked DRAFT", "boolean")), \#(query("client", "only this client's entries")), \#(query("project", "only this project's entries"))], "responses": {"200": {"description": "the file", "content": {"text/csv": {"schema": {"type": "string"}}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}, \#(errors)}}"#)]),
            ("/activity", [("post", op("recordActivity", "Records an interval of active and idle minutes of my running timer (only when my team's activity setting is not off)", body: ref("ActivityInterval"), status: "201", response: ref("Row")))]),
        ]
        let pathText = paths.map { p in
            #""\#(p.0)": {"# + p.1.map { #""\#($0.0)": \#($0.1)"# }.joined(separator: ", ") + "}"
        }.joined(separator: ", ")
        let any = #"{}"#
        let schemas: [(String, String)] = [
            ("Error", #"{"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["kind", "message"], "properties": {"kind": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "conflict", "invalid", "locked", "limit", "busy", "storage", "internal"]}, "message": {"type": "string"}, "hint": {"type": ["string", "null"]}, "field": {"type": "string"}}}}}"#),
            ("Fields", #"{"type": "object", "required": ["fields"], "properties": {"fields": {"type": "object", "additionalProperties": true}}}"#),
            ("Row", #"{"type": "object", "required": ["id", "fields"], "properties": {"id": {"type": "integer"}, "fields": {"type": "object", "additionalProperties": true}}}"#),
            ("RowPage", #"{"type": "object", "required": ["rows", "next"], "properties": {"rows": {"type": "array", "items": \#(ref("Row"))}, "next": {"type": ["string", "null"]}}}"#),
            ("Tables", #"{"type": "object", "properties": {"tables": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "primary": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "computed": {"type": "boolean"}, "required": {"type": "boolean"}, "unique": {"type": "boolean"}}}}}}}}}"#),
            ("Timer", #"{"type": "object", "required": ["table", "row", "entry", "person", "start", "elapsed", "mode"], "properties": {"table": {"type": "string"}, "row": {"type": "integer"}, "label": {"type": "string"}, "entry": {"type": "integer"}, "person": {"type": "string"}, "start": {"type": "string", "format": "date-time"}, "elapsed": {"type": "integer", "description": "seconds"}, "mode": {"type": "string", "enum": ["stopwatch", "pomodoro"]}, "end": {"type": "string", "format": "date-time"}, "until": {"type": "string", "format": "date-time"}}}"#),
            ("Timers", #"{"type": "object", "properties": {"timers": {"type": "array", "items": \#(ref("Timer"))}}}"#),
            ("Stopped", #"{"type": "object", "properties": {"stopped": {"type": "array", "items": \#(ref("Timer"))}}}"#),
            ("Switched", #"{"type": "object", "properties": {"stopped": {"type": "array", "items": \#(ref("Timer"))}, "started": \#(ref("Timer"))}}"#),
            ("TimerTarget", #"{"type": "object", "required": ["table", "row"], "properties": {"table": {"type": "string"}, "row": {"type": ["string", "integer"]}, "field": {"type": "string"}, "pomodoro": {"type": "boolean"}}}"#),
            ("TimerStop", #"{"type": "object", "properties": {"table": {"type": "string"}, "row": {"type": ["string", "integer"]}, "field": {"type": "string"}, "all": {"type": "boolean"}}}"#),
            ("LogEntry", #"{"type": "object", "required": ["table", "row"], "properties": {"table": {"type": "string"}, "row": {"type": ["string", "integer"]}, "from": {"type": "string"}, "to": {"type": "string"}, "date": {"type": "string", "format": "date"}, "hours": {"type": ["number", "string"]}, "note": {"type": "string"}, "field": {"type": "string"}, "fields": {"type": "object", "additionalProperties": true}}}"#),
            ("ReportRows", #"{"type": "array", "items": {"type": "object", "additionalProperties": true}}"#),
            ("Period", #"{"type": "object", "properties": {"period": {"type": "string"}, "state": {"type": "string", "enum": ["open", "closed", "approved"]}, "entries": {"type": "integer"}, "hours": {"type": "integer", "description": "seconds"}}}"#),
            ("Periods", #"{"type": "object", "properties": {"periods": {"type": "array", "items": \#(ref("Period"))}}}"#),
            ("Request", #"{"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "string"}, "by": {"type": "string"}, "table": {"type": "string"}, "row": {"type": "integer"}, "fields": {"type": "object"}, "reason": {"type": "string"}, "state": {"type": "string"}, "decided_by": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]}}}"#),
            ("Requests", #"{"type": "object", "properties": {"requests": {"type": "array", "items": \#(ref("Request"))}}}"#),
            ("RequestBody", #"{"type": "object", "required": ["table", "row", "fields", "reason"], "properties": {"table": {"type": "string"}, "row": {"type": ["string", "integer"]}, "fields": {"type": "object"}, "reason": {"type": "string"}}}"#),
            ("Decision", #"{"type": "object", "properties": {"note": {"type": "string"}}}"#),
            ("Me", #"{"type": "object", "properties": {"name": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}}, "activity": {"type": "string", "enum": ["off", "private", "lead"]}, "exports": {"type": "boolean"}}}"#),
            ("ActivityInterval", #"{"type": "object", "required": ["entry", "start"], "properties": {"entry": {"type": "integer", "description": "the running timer's entry"}, "start": {"type": "string", "format": "date-time"}, "active": {"type": "integer", "description": "minutes with input"}, "idle": {"type": "integer", "description": "minutes without"}}}"#),
            ("ReportView", #"{"type": "object", "required": ["report"], "properties": {"report": {"type": "string"}, "for": {"type": ["string", "null"]}, "filters": {"type": "object", "additionalProperties": {"type": "string"}, "description": "person, client, project, tag, category, status"}}}"#),
            ("Pin", #"{"type": "object", "properties": {"id": {"type": "integer"}, "report": {"type": "string"}, "for": {"type": ["string", "null"]}, "filters": {"type": "object"}}}"#),
            ("Pins", #"{"type": "object", "properties": {"pins": {"type": "array", "items": \#(ref("Pin"))}}}"#),
            ("Share", #"{"type": "object", "properties": {"id": {"type": "integer"}, "report": {"type": "string"}, "for": {"type": ["string", "null"]}, "filters": {"type": "object"}, "token": {"type": "string", "description": "only when made"}, "url": {"type": "string", "description": "only when made: /shared/TOKEN"}, "created": {"type": "string"}, "revoked": {"type": ["string", "null"]}}}"#),
            ("Shares", #"{"type": "object", "properties": {"shares": {"type": "array", "items": \#(ref("Share"))}}}"#),
            ("Any", any),
        ]
        let schemaText = schemas.map { #""\#($0.0)": \#($0.1)"# }.joined(separator: ", ")
        return #"{"openapi": "3.1.0", "info": {"title": "Tabula API", "version": "1", "description": "A base's rows, timers, reports, periods and edit requests. Every route but this document needs Authorization: Bearer TOKEN (tabula token create BASE --person NAME); it acts as that person, whose read and write rules apply."}, "servers": [{"url": "/api/v1"}], "security": [{"bearer": []}], "paths": {\#(pathText)}, "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "responses": {"Error": {"description": "refused", "content": {"application/json": {"schema": \#(ref("Error"))}}}}, "schemas": {\#(schemaText)}}}"#
    }()
}
