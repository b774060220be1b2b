import Foundation

/// Where the REPL's input lines come from. Two kinds: a line editor on a terminal
/// (`EditLineReader`, with history and completion) and plain lines for scripts piped in
/// (`PlainLineReader`).
public protocol LineReader: AnyObject {
    /// True when a person types the lines: prompts are shown and questions wait for an answer.
    var isInteractive: Bool { get }
    /// The next line without its line break, showing `prompt` when interactive; nil at the end of input.
    func readLine(prompt: String) -> String?
    /// Keeps a line the user entered in the history.
    func remember(_ line: String)
}

/// Reads plain lines, without prompts or history: standard input when it is not a terminal, or
/// a script's lines in tests.
public final class PlainLineReader: LineReader {
    private var next: () -> String?
    public var isInteractive: Bool { false }

    /// Lines from a function that returns nil at the end.
    public init(_ next: @escaping () -> String?) { self.next = next }

    /// The lines of a text (a script).
    public convenience init(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var index = 0
        self.init {
            guard index < lines.count else { return nil }
            defer { index += 1 }
            return lines[index]
        }
    }

    /// Standard input, line by line (a final `\r` of a CRLF line is dropped).
    public static func standardInput() -> PlainLineReader {
        PlainLineReader {
            guard var line = Swift.readLine(strippingNewline: true) else { return nil }
            if line.hasSuffix("\r") { line.removeLast() }
            return line
        }
    }

    public func readLine(prompt: String) -> String? { next() }
    public func remember(_ line: String) {}
}

/// Reads lines on a terminal without libedit (where its runtime is not installed): shows the
/// prompt, keeps the history file as `EditLineReader` does, but offers no cursor keys or
/// completion.
public final class TerminalLineReader: LineReader {
    private let historyPath: String?
    public var isInteractive: Bool { true }

    /// A reader on standard input that appends each remembered line to `historyPath`.
    public init(historyPath: String?) { self.historyPath = historyPath }

    public func readLine(prompt: String) -> String? {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        guard var line = Swift.readLine(strippingNewline: true) else { return nil }
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    public func remember(_ line: String) {
        guard let historyPath, !line.contains("\n") else { return }
        if !FileManager.default.fileExists(atPath: historyPath) {
            _ = FileManager.default.createFile(atPath: historyPath, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: historyPath) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }
}
