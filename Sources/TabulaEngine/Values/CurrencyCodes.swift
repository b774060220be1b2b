/// ISO 4217 currency codes: what `currency CODE`, `currency(CODE)` and `--currency` accept.
public enum CurrencyCode {
    /// The codes of ISO 4217 (current ones, funds and the X codes for metals, tests and none).
    public static let iso4217: Set<String> = Set("""
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP \
        BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB \
        EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY \
        KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR \
        MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB \
        RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD \
        TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG \
        XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
        """.split(separator: " ").map(String.init))

    /// The code in capitals when it is an ISO 4217 code in any case (`usd` → `USD`), else nil.
    public static func normalized(_ text: String) -> String? {
        let upper = text.uppercased()
        return iso4217.contains(upper) ? upper : nil
    }

    /// Why a text is not a currency code, with what to write instead.
    public static func refusal(_ text: String) -> EngineError {
        EngineError(.invalidValue, "'\(text)' is not an ISO 4217 currency code",
                    hint: "use a three-letter code such as EUR, USD, GBP, CHF or RUB (in any case: usd works)")
    }
}
