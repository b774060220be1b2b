import Foundation
import ZIPFoundation

/// Writes RGBA pixels as a PNG file (8 bits a channel, no interlace): the web table's icons are
/// drawn in Swift and served this way, so the binary ships no image files.
public enum PNGWriter {
    /// A PNG of `width` × `height` pixels; `rgba` holds four bytes a pixel, row after row.
    public static func encode(width: Int, height: Int, rgba: [UInt8]) throws -> Data {
        precondition(rgba.count == width * height * 4, "rgba must hold 4 bytes for each of the \(width * height) pixels")
        // Each scanline starts with its filter type (0: none).
        var raw = Data(capacity: (width * 4 + 1) * height)
        rgba.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                raw.append(0)
                raw.append(pixels.baseAddress! + y * width * 4, count: width * 4)
            }
        }
        var deflated = Data()
        _ = try Data.compress(size: Int64(raw.count), bufferSize: 64 << 10, provider: { position, size in
            raw.subdata(in: Int(position)..<Int(position) + size)
        }, consumer: { deflated.append($0) })
        // zlib's frame around the deflate stream: header, stream, Adler-32 of the raw bytes.
        var zlib = Data([0x78, 0x9C])
        zlib.append(deflated)
        zlib.append(bigEndian(adler32(raw)))

        var header = Data()
        header.append(bigEndian(UInt32(width)))
        header.append(bigEndian(UInt32(height)))
        header.append(contentsOf: [8, 6, 0, 0, 0])  // bit depth 8, colour type RGBA, deflate, filter 0, no interlace
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(chunk("IHDR", header))
        png.append(chunk("IDAT", zlib))
        png.append(chunk("IEND", Data()))
        return png
    }

    static func chunk(_ type: String, _ body: Data) -> Data {
        var typed = Data(type.utf8)
        typed.append(body)
        var out = bigEndian(UInt32(body.count))
        out.append(typed)
        out.append(bigEndian(typed.crc32(checksum: 0)))
        return out
    }

    static func bigEndian(_ value: UInt32) -> Data {
        Data([UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    static func adler32(_ data: Data) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}
