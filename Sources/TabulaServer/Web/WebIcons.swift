import Foundation
import TabulaIO

/// The web table's icons and its web app manifest, so a phone or tablet can put the page on its
/// home screen. One drawing (a table card with a running timer on the brand blue) is written
/// both as SVG and, rasterised here, as PNG: the binary ships no image files.
enum WebIcons {
    static let themeColour = "#2357c6"
    static let backgroundColour = "#f6f7f9"
    /// The PNG sizes the manifest lists (Android asks for 192 and 512; iOS takes 180 or more).
    static let sizes = [192, 512]

    /// A shape of the drawing, in units of the icon's side (0...1).
    struct Shape {
        enum Kind { case box(x0: Double, y0: Double, x1: Double, y1: Double, radius: Double), circle(cx: Double, cy: Double, r: Double) }
        var kind: Kind
        var colour: (UInt8, UInt8, UInt8)

        /// The signed distance from a point to the shape's edge (negative inside).
        func distance(_ x: Double, _ y: Double) -> Double {
            switch kind {
            case .box(let x0, let y0, let x1, let y1, let r):
                let cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, hx = (x1 - x0) / 2 - r, hy = (y1 - y0) / 2 - r
                let qx = abs(x - cx) - hx, qy = abs(y - cy) - hy
                return (max(qx, 0) * max(qx, 0) + max(qy, 0) * max(qy, 0)).squareRoot() + min(max(qx, qy), 0) - r
            case .circle(let cx, let cy, let r):
                return ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot() - r
            }
        }

        var hex: String { String(format: "#%02x%02x%02x", colour.0, colour.1, colour.2) }

        var svg: String {
            func n(_ v: Double) -> String { String(format: "%.1f", v * 100) }
            switch kind {
            case .box(let x0, let y0, let x1, let y1, let r):
                return #"<rect x="\#(n(x0))" y="\#(n(y0))" width="\#(n(x1 - x0))" height="\#(n(y1 - y0))" rx="\#(n(r))" fill="\#(hex)"/>"#
            case .circle(let cx, let cy, let r):
                return #"<circle cx="\#(n(cx))" cy="\#(n(cy))" r="\#(n(r))" fill="\#(hex)"/>"#
            }
        }
    }

    static let blue: (UInt8, UInt8, UInt8) = (0x23, 0x57, 0xC6)
    static let white: (UInt8, UInt8, UInt8) = (0xFF, 0xFF, 0xFF)
    static let header: (UInt8, UInt8, UInt8) = (0xC9, 0xD6, 0xF5)
    static let rule: (UInt8, UInt8, UInt8) = (0xB8, 0xC4, 0xE0)
    static let green: (UInt8, UInt8, UInt8) = (0x0B, 0x7A, 0x3B)

    /// Everything on the background, inside the central circle that a maskable icon keeps.
    static let drawing: [Shape] = [
        Shape(kind: .box(x0: 0.22, y0: 0.26, x1: 0.78, y1: 0.74, radius: 0.05), colour: white),
        Shape(kind: .box(x0: 0.22, y0: 0.26, x1: 0.78, y1: 0.37, radius: 0.05), colour: header),
        Shape(kind: .box(x0: 0.22, y0: 0.32, x1: 0.78, y1: 0.37, radius: 0), colour: header),
        Shape(kind: .box(x0: 0.22, y0: 0.48, x1: 0.78, y1: 0.50, radius: 0), colour: rule),
        Shape(kind: .box(x0: 0.22, y0: 0.61, x1: 0.78, y1: 0.63, radius: 0), colour: rule),
        Shape(kind: .box(x0: 0.39, y0: 0.37, x1: 0.41, y1: 0.74, radius: 0), colour: rule),
        Shape(kind: .circle(cx: 0.67, cy: 0.63, r: 0.15), colour: white),
        Shape(kind: .circle(cx: 0.67, cy: 0.63, r: 0.12), colour: green),
        Shape(kind: .box(x0: 0.66, y0: 0.545, x1: 0.68, y1: 0.64, radius: 0.01), colour: white),
        Shape(kind: .box(x0: 0.66, y0: 0.62, x1: 0.735, y1: 0.64, radius: 0.01), colour: white),
    ]

    /// The SVG icon: the drawing on a rounded square.
    static let svg: String = {
        let background = Shape(kind: .box(x0: 0, y0: 0, x1: 1, y1: 1, radius: 0.18), colour: blue)
        return #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="512" height="512"><title>Tabula</title>"#
            + ([background] + drawing).map(\.svg).joined() + "</svg>\n"
    }()

    /// The PNG icon of a side in pixels: the drawing on a full square of the brand colour (a
    /// launcher masks it to its own shape), edges smoothed by coverage.
    static func png(size: Int) -> Data {
        var pixels = [UInt8](repeating: 255, count: size * size * 4)
        let side = Double(size)
        for py in 0..<size {
            for px in 0..<size {
                let x = (Double(px) + 0.5) / side, y = (Double(py) + 0.5) / side
                var (r, g, b) = (Double(blue.0), Double(blue.1), Double(blue.2))
                for shape in drawing {
                    let coverage = min(max(0.5 - shape.distance(x, y) * side, 0), 1)
                    guard coverage > 0 else { continue }
                    r += (Double(shape.colour.0) - r) * coverage
                    g += (Double(shape.colour.1) - g) * coverage
                    b += (Double(shape.colour.2) - b) * coverage
                }
                let i = (py * size + px) * 4
                pixels[i] = UInt8(r.rounded()); pixels[i + 1] = UInt8(g.rounded()); pixels[i + 2] = UInt8(b.rounded())
            }
        }
        // The encoder fails only if deflate does, which a buffer of this size never makes it do.
        return (try? PNGWriter.encode(width: size, height: size, rgba: pixels)) ?? Data()
    }

    /// The PNGs, drawn once on first use.
    static let pngs: [Int: Data] = Dictionary(uniqueKeysWithValues: sizes.map { ($0, png(size: $0)) })

    /// The web app manifest (`/manifest.webmanifest`).
    static let manifest: String = {
        var icons = [#"{"src": "/assets/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}"#]
        for size in sizes {
            icons.append(#"{"src": "/assets/icon-\#(size).png", "sizes": "\#(size)x\#(size)", "type": "image/png", "purpose": "any"}"#)
        }
        icons.append(#"{"src": "/assets/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}"#)
        return """
            {"name": "Tabula", "short_name": "Tabula", "description": "Tables, timers and my week: the base's web table",
             "id": "/", "start_url": "/", "scope": "/", "display": "standalone", "orientation": "any",
             "theme_color": "\(themeColour)", "background_color": "\(backgroundColour)",
             "icons": [\(icons.joined(separator: ", "))]}

            """
    }()

    /// The page head's lines that name the manifest, the icons and the theme colour.
    static let headLinks = """
        <link rel="manifest" href="/manifest.webmanifest">
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <link rel="apple-touch-icon" href="/assets/icon-192.png">
        <meta name="theme-color" content="\(themeColour)">
        <meta name="mobile-web-app-capable" content="yes">
        <meta name="apple-mobile-web-app-title" content="Tabula">
        """
}
