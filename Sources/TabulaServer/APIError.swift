import Foundation
import Hummingbird
import TabulaEngine
import TabulaLanguage

/// An error as the API answers it: an HTTP status and `{"error": {"kind", "message", "hint"}}`
/// (with `"field"` when one field's value is at fault).
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var kind: String
    public var message: String
    public var hint: String?
    public var field: String?

    public init(_ status: HTTPResponse.Status, _ kind: String, _ message: String, hint: String? = nil, field: String? = nil) {
        self.status = status; self.kind = kind; self.message = message; self.hint = hint; self.field = field
    }

    static func badRequest(_ message: String, hint: String? = nil) -> APIError { APIError(.badRequest, "bad_request", message, hint: hint) }
    static func notFound(_ message: String, hint: String? = nil) -> APIError { APIError(.notFound, "not_found", message, hint: hint) }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "no valid token",
                                       hint: "send `Authorization: Bearer TOKEN`; `tabula token create BASE --person NAME` makes one")

    /// The API's form of any error a handler throws. Engine errors keep their plain message and
    /// hint (worded as the CLI words them, minus command lines); storage errors never show SQL.
    static func from(_ error: any Error, field: String? = nil) -> APIError {
        switch error {
        case let e as APIError:
            return e
        case let e as EngineError:
            let hint = e.hint ?? e.remedy.flatMap(APIError.hint(for:))
            switch e.kind {
            case .notFound: return APIError(.notFound, "not_found", e.message, hint: hint)
            case .conflict: return APIError(.conflict, "conflict", e.message, hint: hint)
            case .invalidValue: return APIError(.unprocessableContent, "invalid", e.message, hint: hint, field: field)
            case .locked: return APIError(HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "locked", e.message, hint: hint)
            case .forbidden: return APIError(.forbidden, "forbidden", e.message, hint: hint)
            case .limit: return APIError(.tooManyRequests, "limit", e.message, hint: hint)
            case .schema: return APIError(.badRequest, "bad_request", e.message, hint: hint)
            case .storage:
                if e.isBusy {
                    return APIError(.serviceUnavailable, "busy", "the base is busy with another writer", hint: "try again in a moment")
                }
                return APIError(.internalServerError, "storage", e.message, hint: hint)
            }
        case let e as SourceErrors:
            let first = e.diagnostics.first
            // The place in the text, named for the parameter it came in (where:1:8, query:1:5).
            let name = e.source.name.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            let location = first.map { "\(name.isEmpty ? "" : name + ":")\($0.range.start.line):\($0.range.start.column): " } ?? ""
            return APIError(.badRequest, "bad_request", location + (first?.message ?? "\(e)"), hint: first?.hint)
        case let e as DatabaseError:
            return from(EngineError(storage: e, doing: "the base could not be read"))
        default:
            return APIError(.internalServerError, "internal", "the server could not do this", hint: nil)
        }
    }

    /// A remedy worded as the API call that carries it out (nil where it names a CLI step).
    static func hint(for remedy: Remedy) -> String? {
        switch remedy {
        case .listRows(let table): return "list its rows with GET /api/v1/tables/\(table)/rows"
        case .referToRow(let table, let primary): return "refer to a row by its id or its exact \(primary); list them with GET /api/v1/tables/\(table)/rows"
        case .requestEdit(let table, let row, let approver):
            return "ask for the change with POST /api/v1/requests {\"table\": \"\(table)\", \"row\": \(row), \"fields\": {...}, \"reason\": \"...\"}; \(approver) can approve it"
        case .listRequests: return "list them with GET /api/v1/requests"
        case .stopTimer(let table, let row): return "stop it with POST /api/v1/timers/stop {\"table\": \"\(table)\", \"row\": \(row)}"
        case .stopOneTimer: return "stop one first with POST /api/v1/timers/stop"
        case .nameTimerRow, .nameTimerToStop: return "name the row: {\"table\": ..., \"row\": ...}, or stop them all with {\"all\": true}"
        case .showRunningTimers: return "see what runs with GET /api/v1/timers"
        case .startTimer: return "start one with POST /api/v1/timers/start"
        case .chooseTimerField: return "choose one with \"field\": NAME"
        case .orderInterval: return "give from before to, or positive hours"
        case .actAsRole(let role, let people): return "ask someone whose role in \(people) is \(role)"
        default: return nil
        }
    }

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("kind", .string(kind)), ("message", .string(message))]
        members.append(("hint", hint.map(JSONValue.string) ?? .null))
        if let field { members.append(("field", .string(field))) }
        return .object([("error", .object(members))])
    }
}
