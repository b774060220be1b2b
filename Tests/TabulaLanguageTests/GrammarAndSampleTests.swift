import Testing
@testable import TabulaLanguage

@Suite struct GrammarAndSampleTests {
    static let formulaExamples: [String] = (try? grammarExamples(readPackageFile("Grammar/formula.ebnf"))) ?? []
    static let schemaExamples: [String] = (try? grammarExamples(readPackageFile("Grammar/schema.ebnf"))) ?? []
    static let reportExamples: [String] = (try? grammarExamples(readPackageFile("Grammar/report.ebnf"))) ?? []
    static let samples: [String] = (try? packageFiles(in: "Samples", withExtension: "tabula")) ?? []

    @Test func grammarFilesHaveExamplesAndSamplesExist() {
        #expect(Self.formulaExamples.count >= 40)
        #expect(Self.schemaExamples.count >= 20)
        #expect(Self.reportExamples.count >= 15)
        #expect(Self.samples.contains("Samples/design.tabula"))
        #expect(Self.samples.contains("Samples/example.tabula"))
    }

    @Test(arguments: formulaExamples)
    func formulaGrammarExampleParses(_ example: String) {
        #expect(expressionErrors(example) == [])
    }

    @Test(arguments: schemaExamples)
    func schemaGrammarExampleParses(_ example: String) {
        #expect(schemaErrors(example) == [])
    }

    @Test(arguments: reportExamples)
    func reportGrammarExampleParses(_ example: String) {
        #expect(reportErrors(example) == [])
    }

    @Test(arguments: samples)
    func sampleFileParses(_ path: String) throws {
        let text = try readPackageFile(path)
        do {
            let source = SourceText(name: path, text: text)
            let file = try SchemaParser.parse(source)
            for saved in file.reports { _ = try ReportParser.parse(source, range: saved.queryRange) }
        } catch {
            Issue.record("\(error.description)")
        }
    }

    @Test func reportGrammarNamesEveryClauseUnitAndAggregate() throws {
        let grammar = try readPackageFile("Grammar/report.ebnf")
        for word in ReportParser.clauseWords + ReportUnit.allCases.map(\.rawValue) + ["as", "asc", "desc", "this", "last", "today", "yesterday"] {
            #expect(grammar.contains("\"\(word)\""), "report.ebnf does not mention \"\(word)\"")
        }
        for aggregate in Keywords.reportAggregates {
            #expect(grammar.contains(aggregate + "("), "report.ebnf does not mention \(aggregate)(...)")
        }
    }

    @Test func grammarNamesEveryTypeAggregateAndModifier() throws {
        let grammar = try readPackageFile("Grammar/schema.ebnf")
        for word in Keywords.fieldTypes + Keywords.mirrorAggregates + Keywords.fieldModifiers + Keywords.deleteActions
            + Keywords.schemaStatements {
            #expect(grammar.contains("\"\(word)\""), "schema.ebnf does not mention \"\(word)\"")
        }
    }

    @Test func exampleSampleUsesEveryConstruct() throws {
        let file = try schema(try readPackageFile("Samples/example.tabula"))
        #expect(Set(file.settings.map(\.key)) == Set(SettingDecl.Key.allCases))
        let types = file.tables.flatMap(\.fields).map(\.type)
        let typeWords = Set(types.map { type -> String in
            switch type {
            case .named(let name, _): return name.text
            case .link: return "link"
            case .formula: return "formula"
            case .mirror: return "mirror"
            case .timer: return "timer"
            }
        })
        #expect(typeWords == Set(Keywords.fieldTypes))
        let aggregates = Set(types.compactMap { type -> String? in
            if case .mirror(let m) = type { return m.aggregate.text } else { return nil }
        })
        #expect(aggregates == Set(Keywords.mirrorAggregates))
        let modifiers = Set(file.tables.flatMap(\.fields).flatMap(\.modifiers).map { m -> String in
            switch m {
            case .required: return "required"
            case .unique: return "unique"
            case .default: return "default"
            case .inverse: return "inverse"
            case .onDelete(let action): return "on delete " + action.text
            case .previousName: return "was"
            }
        })
        #expect(modifiers == ["required", "unique", "default", "inverse", "was", "on delete cascade", "on delete restrict", "on delete clear"])
        #expect(file.tables.contains { $0.previousName != nil })
        #expect(file.tables.contains { t in t.options.contains { if case .lock = $0 { return true } else { return false } } })
        #expect(file.tables.contains { t in t.options.contains { if case .timeField = $0 { return true } else { return false } } })
        #expect(file.reportTable != nil)
        #expect(file.reports.count >= 2)
    }
}
