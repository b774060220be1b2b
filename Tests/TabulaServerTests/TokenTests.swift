import Testing
@testable import TabulaServer

@Suite struct TokenTests {
    @Test("a token is long, random, and only its hash is compared")
    func tokensAreRandomAndHashed() {
        let a = APITokens.generate(), b = APITokens.generate()
        #expect(a != b)
        #expect(a.hasPrefix("tab_") && a.count >= 40)
        #expect(APITokens.hash(a) == APITokens.hash(a))
        #expect(APITokens.hash(a) != APITokens.hash(b))
        #expect(!APITokens.hash(a).contains(a))
    }
}
