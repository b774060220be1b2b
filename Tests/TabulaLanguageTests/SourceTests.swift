import Testing
@testable import TabulaLanguage

@Test func diagnosticRendersFileLineColumnCaretAndHint() {
    let source = SourceText(name: "s.tabula", text: "table T {\n  x bogus\n}\n")
    let range = SourceRange(start: source.location(of: 14), end: source.location(of: 19))
    let d = Diagnostic("unknown type 'bogus'", at: range, hint: "use text")
    #expect(d.render(in: source) == "s.tabula:2:5: error: unknown type 'bogus'\n    x bogus\n      ^~~~~\n  hint: use text")
}
