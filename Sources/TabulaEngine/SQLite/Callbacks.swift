import CSQLite

/// Holds a collation's comparator for SQLite; retained once, released by `collationDestroy`.
final class CollationBox {
    let compare: @Sendable (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Int
    init(_ compare: @escaping @Sendable (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Int) {
        self.compare = compare
    }
}

/// Holds an SQL function's body for SQLite; retained once, released by `functionDestroy`.
final class FunctionBox {
    let body: @Sendable ([SQLValue]) throws -> SQLValue
    init(_ body: @escaping @Sendable ([SQLValue]) throws -> SQLValue) {
        self.body = body
    }
}

let collationCompare: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeRawPointer?, Int32, UnsafeRawPointer?) -> Int32 = {
    context, count1, bytes1, count2, bytes2 in
    guard let context else { return 0 }
    let box = Unmanaged<CollationBox>.fromOpaque(context).takeUnretainedValue()
    let a = UnsafeRawBufferPointer(start: count1 > 0 ? bytes1 : nil, count: Int(max(count1, 0)))
    let b = UnsafeRawBufferPointer(start: count2 > 0 ? bytes2 : nil, count: Int(max(count2, 0)))
    let order = box.compare(a, b)
    return order < 0 ? -1 : (order > 0 ? 1 : 0)
}

let collationDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<CollationBox>.fromOpaque(context).release()
}

let functionDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<FunctionBox>.fromOpaque(context).release()
}

let functionCall: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, argc, argv in
    guard let context, let data = sqlite3_user_data(context) else { return }
    let box = Unmanaged<FunctionBox>.fromOpaque(data).takeUnretainedValue()
    var arguments: [SQLValue] = []
    if argc > 0, let argv {
        arguments.reserveCapacity(Int(argc))
        for i in 0..<Int(argc) { arguments.append(SQLValue(sqliteValue: argv[i])) }
    }
    do {
        setResult(context, try box.body(arguments))
    } catch {
        // Passed as a NUL-terminated copy; SQLite copies it again before returning.
        sqlite3_result_error(context, String(describing: error), -1)
    }
}

private func setResult(_ context: OpaquePointer, _ value: SQLValue) {
    switch value {
    case .null:
        sqlite3_result_null(context)
    case .integer(let v):
        sqlite3_result_int64(context, v)
    case .real(let v):
        sqlite3_result_double(context, v)
    case .text(var s):
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else {
                sqlite3_result_text(context, "", 0, sqliteTransient)
                return
            }
            sqlite3_result_text64(context, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                  sqlite3_uint64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
    case .blob(let bytes):
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else {
                sqlite3_result_zeroblob(context, 0)
                return
            }
            sqlite3_result_blob64(context, base, sqlite3_uint64(raw.count), sqliteTransient)
        }
    }
}

extension SQLValue {
    /// Reads an `sqlite3_value` (a function argument) in its storage class.
    init(sqliteValue value: OpaquePointer?) {
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            self = .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            self = .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            if let p = sqlite3_value_text(value) {
                let count = Int(sqlite3_value_bytes(value))
                self = .text(String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self))
            } else {
                self = .text("")
            }
        case SQLITE_BLOB:
            if let p = sqlite3_value_blob(value) {
                let count = Int(sqlite3_value_bytes(value))
                self = .blob(Array(UnsafeRawBufferPointer(start: p, count: count)))
            } else {
                self = .blob([])
            }
        default:
            self = .null
        }
    }
}
