import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TabulaServer

@Suite struct InstallableTests {
    @Test("the manifest names the app, starts at /, runs standalone with a theme colour, and every icon it lists is served as its type and size")
    func manifestAndIcons() async throws {
        let team = try TeamBase()
        defer { team.remove() }
        try await team.server().application().test(.router) { client in
            // Public: a browser fetches the manifest and icons without the session cookie.
            let r = try await client.call(.get, "/manifest.webmanifest", token: nil)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("application/manifest+json") == true)
            let manifest = object(r.body)
            #expect(manifest["name"] as? String == "Tabula")
            #expect(manifest["start_url"] as? String == "/")
            #expect(manifest["display"] as? String == "standalone")
            let theme = try #require(manifest["theme_color"] as? String)
            #expect(theme.range(of: "^#[0-9a-f]{6}$", options: .regularExpression) != nil)
            let icons = manifest["icons"] as? [[String: Any]] ?? []
            #expect(icons.contains { $0["type"] as? String == "image/svg+xml" })
            #expect(icons.contains { $0["sizes"] as? String == "192x192" })
            #expect(icons.contains { $0["sizes"] as? String == "512x512" && $0["purpose"] as? String == "maskable" })
            for icon in icons {
                let src = try #require(icon["src"] as? String), type = try #require(icon["type"] as? String)
                let image = try await client.call(.get, src, token: nil)
                #expect(image.status == .ok, "\(src)")
                #expect(image.headers[.contentType] == type)
                let bytes = Array(image.body.readableBytesView)
                if type == "image/png" {
                    #expect(bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(src) is no PNG")
                    #expect(Array(bytes[12..<16]) == Array("IHDR".utf8))
                    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
                    #expect("\(width)x\(height)" == icon["sizes"] as? String, "\(src) is \(width)x\(height)")
                    #expect(bytes.count < 64 << 10, "\(src) takes \(bytes.count) bytes")
                } else {
                    let svg = String(decoding: bytes, as: UTF8.self)
                    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
                    #expect(svg.contains(theme))
                }
            }
            // Both the sign-in page and the signed-in page link them.
            let signIn = String(buffer: try await client.call(.get, "/signin", token: nil).body)
            #expect(signIn.contains(#"<link rel="manifest" href="/manifest.webmanifest">"#))
            #expect(signIn.contains(#"<meta name="theme-color" content="\#(theme)">"#))
            #expect(signIn.contains(#"rel="apple-touch-icon""#))
        }
    }
}
