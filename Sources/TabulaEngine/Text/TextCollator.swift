import CICU

/// ICU collation for one locale: how a base sorts and compares text (`ä` between `a` and `b`
/// in German, `apple < Banana < cherry` rather than code-point order).
///
/// Comparison only reads the collator, and ICU documents a collator as safe to use from many
/// threads at once for comparison as long as nobody changes its attributes; this type never
/// does, which is what makes it `Sendable`. Use `shared(locale:)` to get the process-wide
/// instance for a locale.
public final class TextCollator: @unchecked Sendable {
    /// The locale identifier the collator was opened for (`en`, `de`, `ru`).
    public let locale: String
    private let handle: UnsafeMutableRawPointer

    /// Opens a collator; nil if ICU cannot open one. An unknown locale gets ICU's root collation.
    public init?(locale: String) {
        guard let handle = tabula_collator_open(locale) else { return nil }
        self.locale = locale
        self.handle = handle
    }

    deinit { tabula_collator_close(handle) }

    private static let cache = CacheBox<[String: TextCollator]>([:])

    /// The shared collator of a locale, opened once per process. Falls back to ICU's root
    /// collation (locale "") if the locale cannot be opened.
    public static func shared(locale: String) -> TextCollator {
        cache.withLock { cache in
            if let c = cache[locale] { return c }
            guard let c = TextCollator(locale: locale) ?? TextCollator(locale: "") else {
                fatalError("ICU could not open even the root collator; the ICU data library is missing")
            }
            cache[locale] = c
            return c
        }
    }

    /// Compares two strings: -1 when `a` sorts first, 0 when they collate equal, 1 otherwise.
    public func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { ua in
            b.withUTF8 { ub in
                Int(tabula_collator_compare_utf8(
                    handle,
                    ua.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    Int32(clamping: ua.count),
                    ub.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    Int32(clamping: ub.count)))
            }
        }
    }

    /// Whether `a` sorts strictly before `b`; handy for `sorted(by:)`.
    public func areInIncreasingOrder(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }
}
