// File access for the tests; kept apart because Foundation also declares a type named Expression.
import Foundation

/// The package's root folder, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func readPackageFile(_ relativePath: String) throws -> String {
    try String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
}

func packageFiles(in folder: String, withExtension ext: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent(folder).path)
        .filter { $0.hasSuffix("." + ext) }.sorted().map { folder + "/" + $0 }
}
