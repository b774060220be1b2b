import Testing
import TabulaEngine
import TabulaLanguage
@testable import TabulaREPL

@Suite struct CompleterTests {
    static let completer: Completer = {
        let schema = try! SchemaCompiler.compile(source: SourceText(name: "t", text: """
            table Expenses { amount currency  date date  {Paid on} date  vat formula amount * 0.2 }
            table Employees { name text }
            """))
        return Completer(schema: schema)
    }()

    func candidates(_ line: String) -> [String] { Self.completer.complete(line).candidates }

    @Test func firstWordOffersStatementsFunctionsAndTables() {
        #expect(candidates("sh") == ["show"])
        #expect(candidates("dat").contains("date_add("))
        #expect(candidates("Ex") == ["Expenses"])
    }

    @Test func dotCommandsCompleteAfterADot() {
        #expect(candidates(".s") == [".save", ".schema"])
        #expect(candidates(".schema Em") == ["Employees"])
    }

    @Test func rowCommandsOfferTablesThenWritableFields() {
        #expect(candidates("add E") == ["Employees", "Expenses"])
        #expect(candidates("add Expenses a") == ["amount="])
        #expect(candidates("add Expenses amount=1 ") == ["amount=", "date=", "{Paid on}="])
        #expect(candidates("add Expenses {Pa") == ["{Paid on}="])
        #expect(candidates("set Expenses #1 d") == ["date="])
    }

    @Test func tableDotOffersThatTablesFields() {
        #expect(candidates("field Expenses.v") == ["Expenses.vat"])
        #expect(candidates("drop field Expenses.P") == ["Expenses.{Paid on}"])
        #expect(candidates("drop ") == ["field", "table"])
    }

    @Test func fieldStatementOffersTypesThenModifiersAndNames() {
        #expect(candidates("field Expenses.note t") == ["tags", "text", "timer"])
        #expect(candidates("field Expenses.x formula am").contains("amount"))
    }

    @Test func expressionsOfferFieldsAndFunctions() {
        #expect(candidates("show Expenses where am") == ["amount"])
        #expect(candidates("1 + upp") == ["upper("])
    }

    @Test func commonPrefixIgnoresCase() {
        #expect(Completion(word: "e", candidates: ["Employees", "Expenses"]).commonPrefix == "E")
        #expect(Completion(word: "a", candidates: ["abs(", "acos("]).commonPrefix == "a")
        #expect(Completion(word: "a", candidates: []).commonPrefix == nil)
    }
}
