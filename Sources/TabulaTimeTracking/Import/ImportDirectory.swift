import TabulaEngine

/// What an import matches rows against, read once: people by e-mail and full name, clients by
/// name, projects by code and by name, tasks by key and by title within their project, the
/// `map` rules, the periods' states and the origins already imported or queued. Rows created
/// during the import (`--create`) are added as they are made.
struct ImportDirectory {
    struct Project { var id: RowID; var client: RowID? }
    struct Task { var id: RowID; var project: RowID? }

    var locale: String
    var peopleByEmail: [String: RowID] = [:]
    var peopleByName: [String: RowID] = [:]
    var personZone: [RowID: String] = [:]
    var personEditDays: [RowID: Int64] = [:]
    var personName: [RowID: String] = [:]
    var clients: [String: RowID] = [:]
    var clientName: [RowID: String] = [:]
    var projectsByCode: [String: Project] = [:]
    var projectsByName: [String: [Project]] = [:]
    var projectName: [RowID: String] = [:]
    var projectClient: [RowID: RowID] = [:]
    var tasksByKey: [String: Task] = [:]
    var tasksByTitle: [String: [Task]] = [:]
    var taskProject: [RowID: RowID?] = [:]
    var rules: [String: [String: RowID]] = [:]
    var periodState: [String: String] = [:]
    var origins: Set<String> = []

    /// Names compare trimmed, with inner spaces collapsed and case folded under the base's locale.
    func key(_ text: String) -> String {
        // Files repeat the same few names on every row: fold each once.
        if let known = keys.folded[text] { return known }
        let folded = Self.key(text, locale: locale)
        keys.folded[text] = folded
        return folded
    }

    /// Names already folded by `key`.
    private final class FoldedNames { var folded: [String: String] = [:] }
    private let keys = FoldedNames()

    static func key(_ text: String, locale: String) -> String {
        TextCase.lower(text.split(whereSeparator: \.isWhitespace).joined(separator: " "), locale: locale)
    }

    init(base: Base) throws {
        locale = base.schema.locale
        func table(_ name: String) throws -> Table { try base.table(named: name) }
        func text(_ v: Value) -> String? { if case .text(let t) = v, !t.isEmpty { return t } else { return nil } }
        func link(_ v: Value) -> RowID? { if case .link(let id) = v { return id } else { return nil } }

        for (id, v) in try base.columnValues(of: try table("People"), fields: ["name", "email", "timezone", "edit_days"]) {
            if let name = text(v[0]) { peopleByName[key(name)] = id; personName[id] = name }
            if let email = text(v[1]) { peopleByEmail[key(email)] = id }
            if let zone = text(v[2]), TimeZoneRules.isValid(zone) { personZone[id] = zone }
            if case .integer(let days) = v[3], days > 0 { personEditDays[id] = days }
        }
        for (id, v) in try base.columnValues(of: try table("Clients"), fields: ["name"]) {
            if let name = text(v[0]) { clients[key(name)] = id; clientName[id] = name }
        }
        for (id, v) in try base.columnValues(of: try table("Projects"), fields: ["name", "code", "client"]) {
            add(project: id, name: text(v[0]), code: text(v[1]), client: link(v[2]))
        }
        for (id, v) in try base.columnValues(of: try table("Tasks"), fields: ["title", "key", "project"]) {
            add(task: id, title: text(v[0]), key: text(v[1]), project: link(v[2]))
        }
        for (_, v) in try base.columnValues(of: try table("ImportRules"), fields: ["kind", "name", "person", "client", "project", "task"]) {
            guard let kind = text(v[0]), let name = text(v[1]) else { continue }
            let target = ["person": 2, "client": 3, "project": 4, "task": 5][kind].flatMap { link(v[$0]) }
            if let target { rules[kind, default: [:]][key(name)] = target }
        }
        for (_, v) in try base.columnValues(of: try table("Periods"), fields: ["month", "state"]) {
            if let month = text(v[0]) { periodState[month] = text(v[1]) ?? "open" }
        }
        for (_, v) in try base.columnValues(of: try table("TimeEntries"), fields: ["origin"]) { if let o = text(v[0]) { origins.insert(o) } }
        for (_, v) in try base.columnValues(of: try table("ImportQueue"), fields: ["origin"]) { if let o = text(v[0]) { origins.insert(o) } }
    }

    mutating func add(project id: RowID, name: String?, code: String?, client: RowID?) {
        let p = Project(id: id, client: client)
        if let name { projectsByName[key(name), default: []].append(p); projectName[id] = name }
        if let code { projectsByCode[key(code)] = p }
        if let client { projectClient[id] = client }
    }

    mutating func add(task id: RowID, title: String?, key taskKey: String?, project: RowID?) {
        let t = Task(id: id, project: project)
        if let title { tasksByTitle[key(title), default: []].append(t) }
        if let taskKey { tasksByKey[key(taskKey)] = t }
        taskProject[id] = project
    }

    func rule(_ kind: String, _ name: String) -> RowID? {
        name.isEmpty ? nil : rules[kind]?[key(name)]
    }

    /// The person a row names: by e-mail, else by full name (or login), else by a rule.
    func person(of row: ImportRow) -> RowID? {
        if !row.email.isEmpty, let id = peopleByEmail[key(row.email)] { return id }
        for name in [row.name, row.login] where !name.isEmpty {
            if let id = peopleByName[key(name)] { return id }
        }
        for name in [row.name, row.email, row.login] { if let id = rule("person", name) { return id } }
        return nil
    }
}
