/// Hand-built SQLite database files, so tests can make "someone else's database" without an SQLite library.
enum SQLiteFixture {
    /// A valid SQLite 3 file (512-byte pages) holding one empty table per name, stamped with `applicationID`.
    ///
    /// Page 1 is the schema table; table `i` is an empty leaf at page `i + 2`.
    static func database(tables: [String], applicationID: UInt32 = 0) -> [UInt8] {
        let pageSize = 512
        let pageCount = 1 + tables.count
        var file = [UInt8](repeating: 0, count: pageSize * pageCount)
        func put32(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { file[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        func put16(_ value: Int, at offset: Int) {
            file[offset] = UInt8(value >> 8)
            file[offset + 1] = UInt8(value & 0xFF)
        }
        // The 100-byte database header.
        file.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8))
        put16(pageSize, at: 16)
        file[18] = 1; file[19] = 1           // legacy (rollback journal) read and write versions
        file[21] = 64; file[22] = 32; file[23] = 32
        put32(1, at: 24)                     // file change counter
        put32(UInt32(pageCount), at: 28)     // database size in pages
        put32(1, at: 40)                     // schema cookie
        put32(4, at: 44)                     // schema format
        put32(1, at: 56)                     // UTF-8
        put32(applicationID, at: 68)
        put32(1, at: 92)                     // version-valid-for = change counter
        put32(3_045_000, at: 96)
        // Page 1: a table leaf holding one sqlite_schema row per table, cells packed from the end of the page.
        var content = pageSize
        var pointers: [Int] = []
        for (index, name) in tables.enumerated() {
            let sql = Array("CREATE TABLE \(name) (id INTEGER)".utf8), text = Array(name.utf8)
            let columns: [(serialType: Int, body: [UInt8])] = [
                (2 * 5 + 13, Array("table".utf8)), (2 * text.count + 13, text), (2 * text.count + 13, text),
                (1, [UInt8(index + 2)]), (2 * sql.count + 13, sql),
            ]
            let header = columns.flatMap { varint($0.serialType) }
            let record = varint(header.count + 1) + header + columns.flatMap(\.body)
            let cell = varint(record.count) + varint(index + 1) + record
            content -= cell.count
            file.replaceSubrange(content..<content + cell.count, with: cell)
            pointers.append(content)
        }
        file[100] = 0x0D
        put16(tables.count, at: 103)
        put16(content, at: 105)
        for (index, pointer) in pointers.enumerated() { put16(pointer, at: 108 + 2 * index) }
        // Each table's root: an empty table leaf.
        for index in tables.indices {
            let page = (index + 1) * pageSize
            file[page] = 0x0D
            put16(pageSize, at: page + 5)
        }
        return file
    }

    /// SQLite's big-endian base-128 varint (enough for values below 2^56).
    private static func varint(_ value: Int) -> [UInt8] {
        var groups: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            groups.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return groups
    }
}
