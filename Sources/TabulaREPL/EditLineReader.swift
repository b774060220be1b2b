import CLibEdit
import Foundation

/// Reads lines on a terminal with libedit: emacs-style editing, arrow keys, history kept in a
/// file (searched with Ctrl-R), and tab completion. libedit is loaded at run time; where it is
/// not installed, `init` returns nil and the REPL uses `TerminalLineReader`.
public final class EditLineReader: LineReader {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let complete: (String) -> Completion
    /// The prompt libedit shows, kept as C text for the prompt callback.
    private var promptText: [CChar] = [0]

    public var isInteractive: Bool { true }

    /// Whether libedit's runtime library was found and loaded.
    public static var isAvailable: Bool { tabula_libedit_load() == 1 }

    /// A line editor on standard input and output. `historyPath` is loaded now and written after
    /// each remembered line; `complete` gets the text before the cursor.
    public init?(historyPath: String?, complete: @escaping (String) -> Completion) {
        guard Self.isAvailable else { return nil }
        Self.setUTF8Locale()
        // Streams of their own on the standard descriptors (Swift 6 cannot touch C's global `stdout`).
        guard let input = fdopen(STDIN_FILENO, "r"), let output = fdopen(STDOUT_FILENO, "w"), let errors = fdopen(STDERR_FILENO, "w"),
              let editLine = tabula_el_init(CommandLine.arguments.first ?? "tabula", input, output, errors) else { return nil }
        guard let history = tabula_history_init() else {
            tabula_el_end(editLine)
            return nil
        }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.complete = complete
        tabula_history_set_size(history, 1000)
        tabula_history_set_unique(history, 1)
        if let historyPath { tabula_history_load(history, historyPath) }
        tabula_el_set_editor(editLine, "emacs")
        tabula_el_set_history(editLine, history)
        tabula_el_set_signal(editLine, 1)
        tabula_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        tabula_el_set_prompt(editLine) { el in
            guard let el, let data = tabula_el_client_data(el) else { return nil }
            let reader = Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue()
            return reader.promptText.withUnsafeMutableBufferPointer { $0.baseAddress }
        }
        tabula_el_add_function(editLine, "tabula-complete", "Complete a table, field, function or keyword") { el, _ in
            guard let el, let data = tabula_el_client_data(el) else { return UInt8(TABULA_CC_ERROR) }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().completeWord()
        }
        tabula_el_bind(editLine, "^I", "tabula-complete")
        tabula_el_bind(editLine, "^R", "em-inc-search-prev")
        // The user's ~/.editrc may rebind keys.
        tabula_el_source(editLine, nil)
    }

    deinit {
        tabula_el_end(editLine)
        tabula_history_end(history)
    }

    /// libedit reads multibyte input through the C locale: without a UTF-8 one, Cyrillic and
    /// other non-ASCII input breaks. Take the environment's, else C.UTF-8.
    static func setUTF8Locale() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? ""
        if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    public func readLine(prompt: String) -> String? {
        promptText = Array(prompt.utf8CString)
        var count: Int32 = 0
        guard let line = tabula_el_gets(editLine, &count), count > 0 else { return nil }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    public func remember(_ line: String) {
        tabula_history_enter(history, line)
        // Written beside and renamed, so the file is never seen half written.
        if let historyPath, tabula_history_save(history, historyPath + ".tmp") >= 0 {
            rename(historyPath + ".tmp", historyPath)
        }
    }

    /// The tab key: completes the word before the cursor when one candidate fits (or as far as
    /// all fit), else lists the candidates under the line.
    private func completeWord() -> UInt8 {
        guard let info = tabula_el_line(editLine)?.pointee, let buffer = info.buffer, let cursor = info.cursor else { return UInt8(TABULA_CC_ERROR) }
        let before = String(decoding: UnsafeRawBufferPointer(start: buffer, count: cursor - buffer).bindMemory(to: UInt8.self), as: UTF8.self)
        let completion = complete(before)
        let word = completion.word
        switch completion.candidates.count {
        case 0:
            return UInt8(TABULA_CC_REFRESH_BEEP)
        case 1:
            var chosen = completion.candidates[0]
            if !(chosen.hasSuffix("(") || chosen.hasSuffix(".") || chosen.hasSuffix("=")) { chosen += " " }
            replace(word, with: chosen)
            return UInt8(TABULA_CC_REFRESH)
        default:
            if let common = completion.commonPrefix, common.count > word.count {
                replace(word, with: common)
                return UInt8(TABULA_CC_REFRESH)
            }
            let width = (completion.candidates.map(\.count).max() ?? 0) + 2
            let perLine = max(1, 78 / width)
            var listing = "\n"
            for (i, candidate) in completion.candidates.enumerated() {
                listing += candidate.padding(toLength: width, withPad: " ", startingAt: 0)
                if (i + 1) % perLine == 0 || i == completion.candidates.count - 1 { listing += "\n" }
            }
            FileHandle.standardOutput.write(Data(listing.utf8))
            return UInt8(TABULA_CC_REDISPLAY)
        }
    }

    private func replace(_ word: String, with text: String) {
        if !word.isEmpty { tabula_el_deletestr(editLine, Int32(word.unicodeScalars.count)) }
        tabula_el_insertstr(editLine, text)
    }
}
