import Testing
@testable import TabulaEngine

/// One place knows how each kind of link is stored: a single link's column, its derived inverse,
/// a junction and the junction's inverse all give the same pairs, read from either side.
@Suite struct LinkRelationTests {
    static let schema = """
    table Projects {
      name   text required
      tasks  link Tasks[] inverse project
      labels link Labels[] inverse projects
    }
    table Tasks {
      title    text required
      project  link Projects
    }
    table Labels {
      name      text required
      projects  link Projects[] inverse labels
    }
    """

    func a(_ pairs: (String, String)...) -> [TextAssignment] { pairs.map { TextAssignment(field: $0.0, text: $0.1) } }

    @Test func everyLinkKindGivesTheSamePairsFromBothSides() throws {
        let base = try Base.createInMemory(schemaSource: Self.schema, actor: "t")
        try base.write { tx in
            try tx.insert(into: "Labels", rows: [a(("name", "red")), a(("name", "blue"))])
            try tx.insert(into: "Projects", rows: [a(("name", "Web"), ("labels", "red, blue")), a(("name", "App"), ("labels", "blue"))])
            try tx.insert(into: "Tasks", rows: [a(("title", "t1"), ("project", "Web")), a(("title", "t2"), ("project", "Web")),
                                                a(("title", "t3"), ("project", "App")), a(("title", "t4"))])
        }
        func field(_ table: String, _ name: String) throws -> Field { try base.field(named: name, in: base.table(named: table)) }
        func pairs(_ table: String, _ name: String) throws -> [[RowID]] {
            let f = try field(table, name)
            guard case .link(let spec) = f.kind else { return [] }
            return try base.linkPairs(f, spec: spec).map { [$0.0, $0.1] }
        }
        let forward = try pairs("Tasks", "project"), backward = try pairs("Projects", "tasks")
        #expect(forward == [[1, 1], [2, 1], [3, 2]])
        #expect(Set(backward.map { [$0[1], $0[0]] }) == Set(forward))
        let junction = try pairs("Projects", "labels"), inverse = try pairs("Labels", "projects")
        #expect(junction == [[1, 1], [1, 2], [2, 2]])
        #expect(Set(inverse.map { [$0[1], $0[0]] }) == Set(junction))
        #expect(LinkRelation(try field("Tasks", "project"), in: base.schema)?.isTargetColumn == false)
        #expect(LinkRelation(try field("Projects", "tasks"), in: base.schema)?.isTargetColumn == true)
        #expect(LinkRelation(try field("Tasks", "title"), in: base.schema) == nil)
        let labelProjects = try field("Labels", "projects")
        if case .link(let spec) = labelProjects.kind {
            #expect(try base.linkedIDs(labelProjects, spec: spec, row: 2) == [1, 2])
        } else {
            Issue.record("Labels.projects is not a link")
        }
    }

    @Test func readingSomeRowsReadsOnlyTheirLinksAndValuesReadsOnlyTheNamedFields() throws {
        let base = try Base.createInMemory(schemaSource: Self.schema, actor: "t")
        try base.write { tx in
            try tx.insert(into: "Labels", rows: [a(("name", "red")), a(("name", "blue"))])
            try tx.insert(into: "Projects", rows: [a(("name", "Web"), ("labels", "red, blue")), a(("name", "App"), ("labels", "blue"))])
            try tx.insert(into: "Tasks", rows: [a(("title", "t1"), ("project", "Web")), a(("title", "t2"), ("project", "App")),
                                                a(("title", "t3"), ("project", "App"))])
        }
        let projects = try base.table(named: "Projects")
        let app = try #require(try base.rows(of: projects, ids: [2]).first)
        #expect(app.values == [.text("App"), .list([.link(2), .link(3)]), .list([.link(2)])])
        #expect(try base.rows(of: projects).map(\.values) == [[.text("Web"), .list([.link(1)]), .list([.link(1), .link(2)])], app.values])
        #expect(try base.values(of: projects, row: 1, fields: ["name", "labels"]) == ["name": .text("Web"), "labels": .list([.link(1), .link(2)])])
        #expect(try base.values(of: projects, row: 9, fields: ["name"]) == nil)
    }
}
