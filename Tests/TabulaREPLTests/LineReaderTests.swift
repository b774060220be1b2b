import Foundation
import Testing
@testable import TabulaREPL

struct LineReaderTests {
    @Test func terminalReaderWithoutLibeditKeepsTheHistoryFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = TerminalLineReader(historyPath: path)
        #expect(reader.isInteractive)
        reader.remember("show T")
        reader.remember("add T n=2")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "show T\nadd T n=2\n")
    }

    @Test func libeditIsLoadedAtRunTimeWhenItsLibraryIsPresent() {
        // The build needs no libedit headers; where the runtime exists, the line editor opens.
        let present = ["/usr/lib/x86_64-linux-gnu/libedit.so.2", "/usr/lib/aarch64-linux-gnu/libedit.so.2", "/usr/lib/libedit.so.2"]
            .contains { FileManager.default.fileExists(atPath: $0) }
        #expect(EditLineReader.isAvailable == present)
    }
}
