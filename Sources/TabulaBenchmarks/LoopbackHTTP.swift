import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP/1.1 client for the server benchmark: one kept-alive loopback connection, blocking
/// calls, requests written as bytes and responses read by `Content-Length` (or chunks). A general
/// client's machinery (URL parsing, pools, redirects, tracing) cost more than the server's own
/// work per request and shared its two cores; load generators such as wrk are this small for
/// the same reason.
final class LoopbackHTTPConnection {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    /// The connection's socket, for `poll`.
    let socket: Int32
    private let port: Int
    private var buffer = [UInt8]()

    init(port: Int) throws {
        self.port = port
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw LoopbackHTTPError("socket() failed: errno \(errno)") }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw LoopbackHTTPError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(socket) }

    /// Sends one request and reads its whole response.
    func send(_ method: String, _ path: String, token: String, body: String? = nil) throws -> Response {
        try request(method, path, token: token, body: body)
        return try readResponse()
    }

    /// Sends one request; its answer is read by `readResponse` (once `poll` says it came).
    func request(_ method: String, _ path: String, token: String, body: String? = nil) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        } else {
            head += "\r\n"
        }
        try write(Array(head.utf8))
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw LoopbackHTTPError("send failed: errno \(errno)") }
            sent += n
        }
    }

    private var chunk = [UInt8](repeating: 0, count: 16_384)

    private func fill() throws {
        let n = chunk.withUnsafeMutableBufferPointer { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw LoopbackHTTPError(n == 0 ? "the server closed the connection" : "recv failed: errno \(errno)") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    /// Reads one whole response (blocking until all of it has come). The head is parsed as
    /// bytes: String splitting and Foundation's trimming cost more than the server's answer.
    func readResponse() throws -> Response {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil { try fill() }
        }
        let (status, length, chunked) = try Self.parseHead(buffer[0..<headEnd!])
        buffer.removeFirst(headEnd! + 4)
        if !chunked {
            while buffer.count < length { try fill() }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return Response(status: status, body: body)
        }
        var body = [UInt8]()
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil { try fill(); lineEnd = Self.find([13, 10], in: buffer) }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw LoopbackHTTPError("bad chunk size '\(sizeText)'") }
            buffer.removeFirst(lineEnd! + 2)
            while buffer.count < size + 2 { try fill() }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
            if size == 0 { return Response(status: status, body: body) }
        }
    }

    /// The status, `Content-Length` and whether the body is chunked, of a response head.
    private static func parseHead(_ head: ArraySlice<UInt8>) throws -> (status: Int, length: Int, chunked: Bool) {
        guard let status = status(of: head) else {
            throw LoopbackHTTPError("not an HTTP response: \(String(decoding: head.prefix(40), as: UTF8.self))")
        }
        var length = 0, chunked = false
        var lineStart = head.startIndex
        while lineStart < head.endIndex {
            let lineEnd = head[lineStart...].firstIndex(of: 13) ?? head.endIndex
            let line = head[lineStart..<lineEnd]
            if let colon = line.firstIndex(of: 58) {
                let name = line[..<colon], value = trimmed(line[(colon + 1)...])
                if equalsLowercased(name, "content-length") {
                    length = value.reduce(0) { $1 >= 48 && $1 <= 57 ? $0 * 10 + Int($1 - 48) : $0 }
                } else if equalsLowercased(name, "transfer-encoding"), equalsLowercased(value, "chunked") {
                    chunked = true
                }
            }
            lineStart = lineEnd + 2
        }
        return (status, length, chunked)
    }

    /// The status code of a response head that starts `HTTP/1.1 NNN`.
    private static func status(of head: ArraySlice<UInt8>) -> Int? {
        let prefix = Array("HTTP/1.1 ".utf8)
        guard head.count >= prefix.count + 3, head.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        var code = 0
        for byte in head.dropFirst(prefix.count).prefix(3) {
            guard byte >= 48 && byte <= 57 else { return nil }
            code = code * 10 + Int(byte - 48)
        }
        return code
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }

    /// Whether ASCII `bytes` equal the lowercase `word`, ignoring case.
    private static func equalsLowercased(_ bytes: ArraySlice<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { w in
            zip(bytes, w).allSatisfy { b, c in (b >= 65 && b <= 90 ? b + 32 : b) == c }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                outer: while i <= last {
                    if h[i] == first {
                        for k in 1..<n.count where h[i + k] != n[k] { i += 1; continue outer }
                        return i
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

/// A failure of the benchmark's own HTTP client.
struct LoopbackHTTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
