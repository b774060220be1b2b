import TabulaEngine

/// What a row becomes: an entry's values, or a place in the queue with the reason.
enum ImportPlacement {
    case entry([FieldID: Value], seconds: Int64)
    case queued(String)
}

/// Rows of the base a `resolve` gives for a queued row (person=, task=, ...), and other fields
/// of the entry it sets.
struct ImportForced {
    var person: RowID?
    var client: RowID?
    var project: RowID?
    var task: RowID?
    var values: [FieldID: Value] = [:]
}

/// Places rows of an export in a base inside one write: matches their person, client, project
/// and task (creating the missing clients, projects and tasks when asked), turns their local
/// times into instants in the right zone, refuses what would land in a locked month, and gives
/// the entry's values as a timer's entry has them (the task's project and inherited fields,
/// `source = import`); the package's preparation of new entries gives the rate and the period
/// when they are inserted.
struct ImportPlacer {
    var directory: ImportDirectory
    let base: Base
    let create: Bool
    let entries: Table, people: Table, clients: Table, projects: Table, tasks: Table
    /// What `--create` made, for the summary: `client Acme`, `project Web`, `task WEB-12`.
    var created: [String] = []
    private var inherited: [RowID: [FieldID: Value]] = [:]
    /// The entry fields by name, looked up once.
    private let entryFields: [String: FieldID]
    private let today: CivilDate

    init(base: Base, directory: ImportDirectory, create: Bool) throws {
        self.base = base; self.directory = directory; self.create = create
        entries = try base.table(named: "TimeEntries"); people = try base.table(named: "People")
        clients = try base.table(named: "Clients"); projects = try base.table(named: "Projects"); tasks = try base.table(named: "Tasks")
        today = base.now().civilDate(in: base.schema.timeZone)
        entryFields = Dictionary(entries.fields.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    private func field(_ table: Table, _ name: String) -> FieldID? { table.field(named: name)?.id }

    mutating func place(_ row: ImportRow, _ tx: WriteTransaction, forced: ImportForced = ImportForced()) throws -> ImportPlacement {
        let d = directory
        guard let person = forced.person ?? d.person(of: row) else {
            return .queued(row.personLabel.isEmpty ? "the row names no person" : "unknown person \(row.personLabel)")
        }
        // The times, in the zone the import named, else the person's, else the base's.
        let zone = TimeZoneRules.named(row.zone ?? d.personZone[person] ?? base.schema.timeZone)
        guard let day = CivilDate(iso: row.day) else { return .queued("the row has no date") }
        let start = Instant(date: day, secondsOfDay: row.start ?? (9 * 3600 + Int(row.slot)), rules: zone)
        var end = start.adding(seconds: row.duration ?? 0)
        if let endDay = row.endDay.flatMap(CivilDate.init(iso:)), let e = row.end {
            end = Instant(date: endDay, secondsOfDay: e, rules: zone)
        }
        if end < start { return .queued("the interval ends before it starts") }
        let month = TimeTracking.month(of: start, zone: base.schema.timeZone)
        if let reason = lockReason(start: start, month: month, person: person) { return .queued("locked: \(reason)") }

        var client = forced.client
        if client == nil, !row.client.isEmpty {
            client = d.clients[d.key(row.client)] ?? d.rule("client", row.client)
            if client == nil {
                guard create else { return .queued("unknown client '\(row.client)'") }
                client = try tx.insertRow(into: clients, values: [clients.primaryField.id: .text(row.client)])
                directory.clients[d.key(row.client)] = client
                directory.clientName[client!] = row.client
                created.append("client \(row.client)")
            }
        }

        var project = forced.project
        if project == nil, !row.projectCode.isEmpty { project = directory.projectsByCode[d.key(row.projectCode)]?.id }
        if project == nil, !row.project.isEmpty {
            let candidates = directory.projectsByName[d.key(row.project)] ?? []
            if let match = candidates.first(where: { $0.client == client }) ?? (client == nil && candidates.count == 1 ? candidates.first : nil) {
                project = match.id
            } else if let ruled = d.rule("project", row.project) {
                project = ruled
            } else if let other = candidates.first {
                let owner = other.client.flatMap { directory.clientName[$0] }.map { "client '\($0)'" } ?? "no client"
                return .queued("project '\(row.project)' belongs to \(owner), not client '\(row.client)'")
            }
        }
        if project == nil, !(row.project.isEmpty && row.projectCode.isEmpty) {
            let name = row.project.isEmpty ? row.projectCode : row.project
            guard create else { return .queued("unknown project '\(name)'") }
            var values: [FieldID: Value] = [projects.primaryField.id: .text(name)]
            if let client, let f = field(projects, "client") { values[f] = .link(client) }
            if !row.projectCode.isEmpty, let f = field(projects, "code") { values[f] = .text(row.projectCode) }
            let id = try tx.insertRow(into: projects, values: values)
            directory.add(project: id, name: name, code: row.projectCode.isEmpty ? nil : row.projectCode, client: client)
            project = id
            created.append("project \(name)")
        }

        var task = forced.task
        if task == nil, !row.taskKey.isEmpty {
            task = directory.tasksByKey[d.key(row.taskKey)]?.id ?? d.rule("task", row.taskKey)
            if task == nil {
                guard create else { return .queued("unknown task \(row.taskKey)") }
                task = try createTask(title: row.taskTitle.isEmpty ? row.taskKey : row.taskTitle, key: row.taskKey, project: project, tx)
            }
        }
        if task == nil, !row.task.isEmpty {
            let candidates = (directory.tasksByTitle[d.key(row.task)] ?? []).filter { project == nil || $0.project == project }
            if candidates.count == 1 {
                task = candidates[0].id
            } else if let ruled = d.rule("task", row.task) {
                task = ruled
            } else if candidates.count > 1 {
                return .queued("\(candidates.count) tasks are called '\(row.task)'; name the project, or map the title to one task")
            } else {
                guard create else { return .queued("unknown task '\(row.task)'" + (project.flatMap { directory.projectName[$0] }.map { " in project '\($0)'" } ?? "")) }
                task = try createTask(title: row.task, key: nil, project: project, tx)
            }
        }
        if let task, let own = directory.taskProject[task] ?? nil { project = own }
        guard task != nil || project != nil else { return .queued("the row names no project or task") }

        var values: [FieldID: Value] = [:]
        func set(_ name: String, _ value: Value) { if let f = entryFields[name], !value.isBlank { values[f] = value } }
        if let task {
            for (f, v) in try inheritedValues(of: task) { values[f] = v }
            set("task", .link(task))
        }
        set("person", .link(person))
        set("start", .datetime(start))
        set("end", .datetime(end))
        set("note", .text(row.note))
        set("source", .text("import"))
        if let project { set("project", .link(project)) }
        // Internal work (a project of no client) stays internal; else the file's flag decides.
        if let project, directory.projectClient[project] == nil {
            set("category", .text("internal"))
        } else if let billable = row.billable {
            set("category", .text(billable ? "billable" : "non_billable"))
        }
        set("origin", .text(row.origin))
        set("tags", .text(row.tags))
        set("import_amount", .text(row.amount ?? ""))
        for (f, v) in forced.values { values[f] = v }
        return .entry(values, seconds: Int64((end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000))
    }

    private mutating func createTask(title: String, key: String?, project: RowID?, _ tx: WriteTransaction) throws -> RowID {
        var values: [FieldID: Value] = [tasks.primaryField.id: .text(title)]
        if let key, let f = field(tasks, "key") { values[f] = .text(key) }
        if let project, let f = field(tasks, "project") { values[f] = .link(project) }
        let id = try tx.insertRow(into: tasks, values: values)
        directory.add(task: id, title: title, key: key, project: project)
        created.append("task \(key.map { "\($0) " } ?? "")\(title)")
        return id
    }

    /// The fields a timer's entry copies from its task (`inherit stream, project`).
    private mutating func inheritedValues(of task: RowID) throws -> [FieldID: Value] {
        if let known = inherited[task] { return known }
        let fields = (entries.inheritedFields ?? []).compactMap { entries.field(id: $0) }.filter { tasks.field(named: $0.name) != nil }
        let read = try base.values(of: tasks, row: task, fields: fields.map(\.name)) ?? [:]
        var values: [FieldID: Value] = [:]
        for f in fields { if let v = read[f.name], !v.isBlank { values[f.id] = v } }
        inherited[task] = values
        return values
    }

    /// Why an entry starting then for that person would be locked, as the package's lock rule
    /// says: its month is closed or approved, or the person's edit deadline passed.
    func lockReason(start: Instant, month: String, person: RowID) -> String? {
        let zone = base.schema.timeZone
        if let state = directory.periodState[month], state == "closed" || state == "approved" {
            return "it is in \(TimeTracking.monthName(month)), which is \(state)"
        }
        if let days = directory.personEditDays[person] {
            let startDay = start.civilDate(in: zone)
            if today.adding(days: -Int(days)) > startDay {
                let name = directory.personName[person] ?? "the person"
                return "\(name)'s edit deadline (\(days) day\(days == 1 ? "" : "s")) passed on \(startDay.adding(days: Int(days)).iso)"
            }
        }
        return nil
    }
}
