import Foundation
import Testing
import TabulaEngine

@Suite("Formula function reference")
struct FormulaDocsTests {
    @Test func everyFunctionIsDocumentedAndEveryDocumentedFunctionExists() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/functions.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var documented: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("- `") {
            let name = line.dropFirst(3).prefix { $0 != "(" && $0 != "`" }
            documented.append(String(name))
        }
        let registered = FormulaCompiler.functionNames
        #expect(Set(documented) == Set(registered))
        #expect(documented.count == Set(documented).count, "a function is documented twice")
        for name in registered where !documented.contains(name) { Issue.record("\(name) is missing from Docs/functions.md") }
        for name in documented where !registered.contains(name) { Issue.record("\(name) is documented but not registered") }
    }
}
