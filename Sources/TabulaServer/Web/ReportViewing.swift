import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

/// A saved report as a request asks for it: the period, the filters, `per` and the format, read
/// from query parameters (`?for=last%20month&client=Acme&format=csv`) the same way by the API,
/// the web page and pins and shared links.
struct ReportRequest: Sendable {
    enum Format: String, Sendable { case json, csv, xlsx }

    var view: ReportView
    var per: String?
    var format: Format = .json

    init(view: ReportView, per: String? = nil, format: Format = .json) { self.view = view; self.per = per; self.format = format }

    init(name: String, query: [String: String]) throws {
        let period = query["for"].flatMap { $0.isEmpty ? nil : $0 }
        let filters = ReportFilters.names.compactMap { n in query[n].flatMap { $0.isEmpty ? nil : ReportView.Filter(name: n, value: $0) } }
        view = ReportView(report: name, period: period, filters: filters)
        per = query["per"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["format"], !text.isEmpty {
            guard let f = Format(rawValue: text.lowercased()) else {
                throw EngineError(.invalidValue, "format '\(text)' is not one a report is given in", hint: "give json, csv or xlsx, e.g. ?format=csv")
            }
            format = f
        }
    }

    /// A view from a JSON body: `{"report": "week", "for": "last week", "filters": {"client": "Acme"}}`.
    static func view(_ body: JSONBody, report: String? = nil) throws -> ReportView {
        let name = try report ?? body.requiredString("report", example: "\"week\"")
        let period = try body.string("for").flatMap { $0.isEmpty ? nil : $0 }
        var filters: [ReportView.Filter] = []
        if let given = body.object["filters"], !(given is NSNull) {
            guard let map = given as? [String: Any] else {
                throw APIError.badRequest("\"filters\" must be an object of filter names and values", hint: "{\"filters\": {\"client\": \"Acme\"}}")
            }
            for (key, value) in map.sorted(by: { $0.key < $1.key }) {
                guard ReportFilters.names.contains(key) else {
                    throw APIError(.unprocessableContent, "invalid", "'\(key)' is not a report filter", hint: "the filters are " + ReportFilters.names.joined(separator: ", "))
                }
                let text = try JSONBody.text(value, field: key)
                if !text.isEmpty { filters.append(.init(name: key, value: text)) }
            }
        }
        return ReportView(report: name, period: period, filters: filters)
    }

    /// The saved report's name as the schema spells it, or a 404 naming the reports.
    static func savedName(_ name: String, on base: Base) throws -> String {
        guard let saved = base.schema.reports.first(where: { $0.name == name }) else {
            throw APIError.notFound("there is no saved report '\(name)'", hint: "the saved reports: " + base.schema.reports.map(\.name).joined(separator: ", "))
        }
        return saved.name
    }

    /// Runs the view on the base as its actor: the package's reports finished by the package,
    /// the filters joined to the query's `where`.
    func run(on base: Base) throws -> ReportOutput {
        let name = try Self.savedName(view.report, on: base)
        let chosen = try view.period.map { try ReportParser.parsePeriod(SourceText(name: "for", text: $0)) }
        let unit = try per.map { text -> ReportUnit in
            guard let unit = ReportUnit(rawValue: text.lowercased()) else {
                throw EngineError(.invalidValue, "per '\(text)' is not a unit", hint: "give day, week, month, quarter or year, e.g. ?per=week")
            }
            return unit
        }
        return try PackageReports.run(saved: name, on: base, for: chosen, per: unit,
                                      filters: view.filters.map { ReportFilter($0.name, $0.value) })
    }

    /// The report in the asked format: JSON rows as `POST /report` gives them, or a CSV or XLSX
    /// download written by the same writers as `tabula report --format csv|xlsx`.
    func reply(_ output: ReportOutput, on base: Base) throws -> Reply {
        let context = base.schema.valueContext
        let file = Self.fileName(view.report)
        switch format {
        case .json: return Reply(status: .ok, body: Renderer.json(output.table, context: context))
        case .csv: return .download(Data(Renderer.csv(output.table, context: context).utf8), type: "text/csv; charset=utf-8", name: file + ".csv")
        case .xlsx:
            return .download(try XLSXWriter.workbook(output.table, sheet: "Report", context: context),
                             type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: file + ".xlsx")
        }
    }

    /// A file name from a report's name: letters, digits, `-` and `_` only.
    static func fileName(_ name: String) -> String {
        let kept = String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "_" })
        return kept.isEmpty ? "report" : kept
    }
}

/// The Reports page's view of a report's output: cells formatted as the CLI's table shows them,
/// the totals, the chart of a bucketed report, and the filters the report's table takes.
enum ReportPage {
    static func isNumeric(_ type: ValueType) -> Bool {
        switch type {
        case .number, .integer, .currency, .percent, .duration: return true
        default: return false
        }
    }

    /// The page's JSON for one run.
    static func json(_ output: ReportOutput, view: ReportView, on base: Base) throws -> JSONValue {
        let table = output.table, context = base.schema.valueContext
        func cells(_ row: [Value]) -> JSONValue {
            .array(zip(row, table.columns).map { value, column in .string(column.type.format(value, context: context)) })
        }
        let columns: [JSONValue] = table.columns.map { c in .object([("name", .string(c.name)), ("numeric", .bool(isNumeric(c.type)))]) }
        var members: [(key: String, value: JSONValue)] = [("report", .string(view.report)), ("columns", .array(columns)),
                                                         ("rows", .array(table.rows.map(cells))), ("totals", table.totals.map(cells) ?? .null)]
        if let days = output.period { members.append(("period", .string("\(days.lowerBound.iso) – \(days.upperBound.iso)"))) }
        members.append(("chart", chart(output, context: context).map { c in
            .object([("unit", .string(c.unit)), ("measure", .string(c.measure)), ("svg", .string(svg(c))),
                     ("bars", .array(c.bars.map { .object([("label", .string($0.label)), ("value", .number($0.value)), ("text", .string($0.text))]) }))])
        } ?? .null))
        members.append(("filters", .array(try filters(view.report, on: base).map { f in
            .object([("name", .string(f.name)), ("choices", f.choices.map { .array($0.map(JSONValue.string)) } ?? .null)])
        })))
        members.append(("applied", .object(view.filters.map { ($0.name, .string($0.value)) })))
        return .object(members)
    }

    /// A bar chart's data: per bucket, the first measure summed over the report's groups.
    struct Chart: Sendable {
        var unit: String
        var measure: String
        var bars: [(label: String, value: Double, text: String)]
    }

    static func chart(_ output: ReportOutput, context: ValueContext) -> Chart? {
        let table = output.table
        guard let unit = output.bucket, let bucket = table.columns.firstIndex(where: { $0.name == unit.rawValue }),
              let measure = table.columns.indices.first(where: { $0 > bucket && isNumeric(table.columns[$0].type) }) else { return nil }
        var order: [String] = []
        var sums: [String: Value] = [:]
        for row in table.rows {
            let label = table.columns[bucket].type.format(row[bucket], context: context)
            if sums[label] == nil { order.append(label) }
            sums[label] = add(sums[label], row[measure])
        }
        let type = table.columns[measure].type
        let bars = order.sorted().map { label -> (label: String, value: Double, text: String) in
            let v = sums[label] ?? .blank
            return (label, number(v), type.format(v, context: context))
        }
        return Chart(unit: unit.rawValue, measure: table.columns[measure].name, bars: bars)
    }

    /// The chart as inline SVG: one horizontal bar per bucket, its label and value beside it
    /// (attributes only, no style, so the pages' content security policy holds).
    static func svg(_ chart: Chart) -> String {
        let rowHeight = 24, labelWidth = 110, barWidth = 360, width = labelWidth + barWidth + 90
        let most = chart.bars.map(\.value).max() ?? 0
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(max(1, chart.bars.count) * rowHeight)\" "
        out += "aria-label=\"\("\(chart.measure) per \(chart.unit)".htmlEscaped)\">"
        for (i, bar) in chart.bars.enumerated() {
            let y = i * rowHeight
            let length = most > 0 ? max(bar.value > 0 ? 2 : 0, Int((bar.value / most * Double(barWidth)).rounded())) : 0
            out += "<g class=\"bar\" data-label=\"\(bar.label.htmlEscaped)\">"
            out += "<text x=\"0\" y=\"\(y + 16)\" class=\"label\">\(bar.label.htmlEscaped)</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" rx=\"2\"><title>\(bar.label.htmlEscaped): \(bar.text.htmlEscaped)</title></rect>"
            out += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\" class=\"value\">\(bar.text.htmlEscaped)</text></g>"
        }
        return out + "</svg>"
    }

    /// The page a shared link opens: the report's table, totals and chart, server-rendered
    /// (no script), with its downloads.
    static func sharedPage(_ output: ReportOutput, view: ReportView, token: String, on base: Base) -> String {
        let table = output.table, context = base.schema.valueContext
        func cls(_ c: ResultColumn) -> String { isNumeric(c.type) ? " class=\"num\"" : "" }
        var body = "<main class=\"shared\"><h1>\(view.report.htmlEscaped)</h1>"
        var about: [String] = []
        if let days = output.period { about.append("\(days.lowerBound.iso) – \(days.upperBound.iso)") }
        about += view.filters.map { "\($0.name): \($0.value)" }
        if !about.isEmpty { body += "<p class=\"muted\">\(about.joined(separator: " · ").htmlEscaped)</p>" }
        if let chart = chart(output, context: context) { body += "<div class=\"chart-box\">\(svg(chart))</div>" }
        if table.rows.isEmpty {
            body += "<p class=\"muted\">No rows for this period.</p>"
        } else {
            body += "<div class=\"scroll\"><table id=\"report-table\"><thead><tr>"
            body += table.columns.map { "<th scope=\"col\"\(cls($0))>\($0.name.htmlEscaped)</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                body += "<tr>" + zip(row, table.columns).map { v, c in "<td\(cls(c))>\(c.type.format(v, context: context).htmlEscaped)</td>" }.joined() + "</tr>"
            }
            body += "</tbody>"
            if let totals = table.totals {
                body += "<tfoot><tr>" + zip(totals, table.columns).enumerated().map { i, pair in
                    let text = pair.1.type.format(pair.0, context: context)
                    return "<th\(cls(pair.1))>\((i == 0 && text.isEmpty ? "Total" : text).htmlEscaped)</th>"
                }.joined() + "</tr></tfoot>"
            }
            body += "</table></div>"
        }
        let link = "/shared/" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? "")
        body += "<p class=\"downloads\"><a href=\"\(link)?format=csv\" download>Download CSV</a> <a href=\"\(link)?format=xlsx\" download>Download XLSX</a></p>"
        body += "<p class=\"muted\">A read-only report shared from Tabula.</p></main>"
        return WebAssets.page(title: "\(view.report) · Tabula", body: body)
    }

    static func add(_ a: Value?, _ b: Value) -> Value {
        switch (a ?? .blank, b) {
        case (.blank, let y): return y
        case (let x, .blank): return x
        case (.duration(let x), .duration(let y)): return .duration(x + y)
        case (.integer(let x), .integer(let y)): return .integer(x + y)
        case (.money(let x), .money(let y)) where x.currency == y.currency: return .money(Money(minorUnits: x.minorUnits + y.minorUnits, currency: x.currency))
        case (.percent(let x), .percent(let y)): return .percent(x + y)
        default: return .number(number(a ?? .blank) + number(b))
        }
    }

    static func number(_ v: Value) -> Double {
        switch v {
        case .duration(let s): return Double(s)
        case .integer(let n): return Double(n)
        case .number(let x), .percent(let x): return x
        case .money(let m): return Double(m.minorUnits)
        default: return 0
        }
    }

    /// A filter the report's table takes, with the values to pick from (nil: type one in).
    struct Filter: Sendable {
        var name: String
        var choices: [String]?
    }

    /// The filters a saved report takes: none for the package's reports it makes from more
    /// than the query, else those whose field the report's table has.
    static func filters(_ name: String, on base: Base) throws -> [Filter] {
        guard let saved = base.schema.reports.first(where: { $0.name == name }), PackageReports.takesFilters(saved.name, on: base),
              let query = try? ReportParser.parse(SourceText(name: "report \(saved.name)", text: saved.query)),
              let table = ReportFilters.table(of: query, schema: base.schema) else { return [] }
        var result: [Filter] = []
        for filterName in ReportFilters.names {
            guard let path = ReportFilters.path(filterName, in: table, schema: base.schema), let last = path.last else { continue }
            switch last.valueType {
            case .select(let options), .tags(let options): result.append(Filter(name: filterName, choices: options))
            case .link(let target):
                guard let linked = base.schema.table(id: target) else { continue }
                let ids = try base.readableRowIDs(of: linked, limit: 501)
                if ids.count > 500 { result.append(Filter(name: filterName, choices: nil)); continue }
                let names = try base.primaryValues(of: linked, ids: ids)
                result.append(Filter(name: filterName, choices: Array(Set(ids.compactMap { names[$0] }.filter { !$0.isEmpty })).sorted()))
            default: result.append(Filter(name: filterName, choices: nil))
            }
        }
        return result
    }
}

extension Reply {
    /// A file to download (CSV, XLSX).
    static func download(_ data: Data, type: String, name: String) -> Reply {
        Reply(status: .ok, body: nil, file: data, contentType: type, fileName: name)
    }
}
