import Foundation
import Testing
import TabulaLanguage
@testable import TabulaEngine
import TabulaReports

/// Every schema file shipped in Samples/ is a schema a user can `tabula init` with: it does not
/// only parse, it compiles (names, types, links, timers, saved reports).
@Suite struct SampleSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Samples").path)) ?? [])
        .filter { $0.hasSuffix(".tabula") }.sorted()

    @Test func theSamplesFolderHasSchemas() {
        #expect(Self.samples.count >= 4)
    }

    @Test(arguments: samples)
    func sampleSchemaCompiles(_ name: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Samples").appendingPathComponent(name), encoding: .utf8)
        do {
            _ = try SchemaCompiler.compile(source: SourceText(name: "Samples/\(name)", text: text), reportChecker: ReportChecker())
        } catch {
            Issue.record("Samples/\(name) does not compile:\n\(error.description)")
        }
    }
}
