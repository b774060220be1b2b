import CICU

/// Locale-aware case mapping through ICU: full mappings (`ß` upper-cases to `SS`), and
/// language rules such as Turkish dotted and dotless i.
public enum TextCase {
    /// The text in upper case under a locale's rules: `upper("straße", locale: "de") == "STRASSE"`,
    /// `upper("i", locale: "tr") == "İ"`.
    public static func upper(_ s: String, locale: String) -> String {
        map(s, locale: locale, upper: true)
    }

    /// The text in lower case under a locale's rules: `lower("ПРИВЕТ", locale: "ru") == "привет"`.
    public static func lower(_ s: String, locale: String) -> String {
        map(s, locale: locale, upper: false)
    }

    private static func map(_ s: String, locale: String, upper: Bool) -> String {
        if s.isEmpty { return s }
        let source = Array(s.utf16)
        guard source.count < Int(Int32.max / 4) else { return upper ? s.uppercased() : s.lowercased() }
        // Case mapping rarely grows text; a little headroom avoids most second calls.
        var capacity = source.count + 16
        for _ in 0..<3 {
            var dest = [UInt16](repeating: 0, count: capacity)
            let needed: Int32 = source.withUnsafeBufferPointer { src in
                dest.withUnsafeMutableBufferPointer { dst in
                    upper
                        ? tabula_to_upper(dst.baseAddress, Int32(capacity), src.baseAddress, Int32(src.count), locale)
                        : tabula_to_lower(dst.baseAddress, Int32(capacity), src.baseAddress, Int32(src.count), locale)
                }
            }
            if needed < 0 { break }
            if Int(needed) <= capacity {
                return String(decoding: dest[0..<Int(needed)], as: UTF16.self)
            }
            capacity = Int(needed)
        }
        // ICU failed: Swift's own (locale-independent) full case mapping is the next best.
        return upper ? s.uppercased() : s.lowercased()
    }
}
