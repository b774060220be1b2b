import Foundation
import Testing
import TabulaBenchmarks

/// The fuzz targets' committed corpus and every reproducer of a crash once found
/// (Tests/Fuzz/Corpus, Tests/Fuzz/Reproducers) replayed through the same bodies the libFuzzer
/// builds run (`Tests/Fuzz/fuzz.sh`): none of them may crash. One target at a time: the targets
/// share their fixture bases, and a base is used from one thread at a time.
@Suite(.serialized) struct FuzzCorpusTests {
    static let root = CLI.packageRoot.appendingPathComponent("Tests/Fuzz")

    @Test("every corpus input and reproducer of each fuzz target runs without a crash", arguments: FuzzTargets.names)
    func replay(target: String) throws {
        var inputs = 0
        let start = Date()
        for folder in ["Corpus", "Reproducers"] {
            let dir = Self.root.appendingPathComponent("\(folder)/\(target)")
            let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) where !file.lastPathComponent.hasPrefix(".") {
                FuzzTargets.run(target, Array(try Data(contentsOf: file)))
                inputs += 1
            }
        }
        #expect(inputs > 0, "no corpus for \(target)")
        print("fuzz corpus \(target): \(inputs) inputs replayed in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
}
