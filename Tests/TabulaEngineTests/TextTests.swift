import Testing
import TabulaEngine

@Suite("Text")
struct TextTests {
    @Test func upperCase() {
        #expect(TextCase.upper("straße", locale: "de") == "STRASSE")
        #expect(TextCase.upper("straße", locale: "en") == "STRASSE")
        #expect(TextCase.upper("привет", locale: "ru") == "ПРИВЕТ")
        #expect(TextCase.upper("i", locale: "tr") == "İ")
        #expect(TextCase.upper("i", locale: "en") == "I")
        #expect(TextCase.upper("", locale: "en") == "")
        #expect(TextCase.upper("ǆ😀", locale: "en") == "Ǆ😀")
    }

    @Test func lowerCase() {
        #expect(TextCase.lower("ПРИВЕТ", locale: "ru") == "привет")
        #expect(TextCase.lower("I", locale: "tr") == "ı")
        #expect(TextCase.lower("İ", locale: "en") == "i̇")
        #expect(TextCase.lower("HELLO World", locale: "en") == "hello world")
    }

    @Test func growsPastTheFirstBuffer() {
        let long = String(repeating: "ß", count: 100)
        #expect(TextCase.upper(long, locale: "de") == String(repeating: "SS", count: 100))
        // A string where every character grows to three code units.
        let sharp = String(repeating: "ΐ", count: 50)
        #expect(TextCase.upper(sharp, locale: "en").unicodeScalars.count == 150)
    }

    @Test func germanCollation() {
        let de = TextCollator.shared(locale: "de")
        #expect(de.compare("a", "ä") == -1)
        #expect(de.compare("ä", "b") == -1)
        #expect(de.compare("b", "ä") == 1)
        #expect(["b", "ä", "a"].sorted(by: de.areInIncreasingOrder) == ["a", "ä", "b"])
    }

    @Test func englishCollation() {
        let en = TextCollator.shared(locale: "en")
        #expect(en.compare("apple", "Banana") == -1)
        #expect(en.compare("Banana", "cherry") == -1)
        #expect(en.compare("cherry", "cherry") == 0)
        #expect(["cherry", "Banana", "apple"].sorted(by: en.areInIncreasingOrder) == ["apple", "Banana", "cherry"])
        #expect(en.compare("", "a") == -1)
        #expect(en.compare("é", "e\u{301}") == 0)
        #expect(TextCollator.shared(locale: "en") === en)
    }

    @Test func russianCollation() {
        let ru = TextCollator.shared(locale: "ru")
        #expect(["яблоко", "Арбуз", "ёж", "банан"].sorted(by: ru.areInIncreasingOrder) == ["Арбуз", "банан", "ёж", "яблоко"])
    }

    @Test func concurrentComparison() async {
        let en = TextCollator.shared(locale: "en")
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    (0..<500).allSatisfy { j in en.compare("item \(i) \(j)", "item \(i) \(j + 1)") != 0 }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
