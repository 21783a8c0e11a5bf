import Foundation
import SotaTestSupport
import Synchronization
import Testing
@testable import SotaIndex

/// The SQLite wrapper on its own: binding and reading each type, NULL, strict conversions, errors with SQLite's
/// message, busy waits across connections, damaged files, the statement cache and transactions.
@Suite struct SQLiteWrapperTests {
    private func memory() throws -> SQLiteConnection {
        try SQLiteConnection(path: ":memory:", options: SQLiteConnection.Options())
    }

    @Test func everyTypeBindsToItsStorageClassAndReadsBack() throws {
        let db = try memory()
        try db.execute(sql: "CREATE TABLE t (position INTEGER PRIMARY KEY, value)")
        let values: [(any SQLiteValueConvertible)?] = [42, Int64.min, Int32.max, 0.25, true, false, "text", "", "naïve 日本", nil, nil as String?]
        for (position, value) in values.enumerated() {
            try db.execute(sql: "INSERT INTO t (position, value) VALUES (?, ?)", arguments: SQLiteArguments(values: [.integer(Int64(position)), value?.sqliteValue ?? .null]))
        }
        let types = try db.fetchAll(String.self, sql: "SELECT typeof(value) FROM t ORDER BY position")
        #expect(types == ["integer", "integer", "integer", "real", "integer", "integer", "text", "text", "text", "null", "null"])
        let rows = try db.fetchAll(sql: "SELECT value FROM t ORDER BY position")
        #expect(try rows[0].stored("value") as Int == 42)
        #expect(try rows[1].stored("value") as Int64 == .min)
        #expect(try rows[2].stored("value") as Int32 == .max)
        #expect(try rows[3].stored("value") as Double == 0.25)
        #expect(try rows[4].stored("value") as Bool == true)
        #expect(try rows[5].stored("value") as Bool == false)
        #expect(try rows[6].stored("value") as String == "text")
        #expect(try rows[7].stored("value") as String == "")
        #expect(try rows[8].stored("value") as String == "naïve 日本")
        #expect(try rows[9].stored("value") as String? == nil)
        #expect(try rows[10].stored(at: 0, "value") as Double? == nil)
    }

    @Test func blobsBindAndReadBackEmptyOrNot() throws {
        let db = try memory()
        try db.execute(sql: "CREATE TABLE t (position INTEGER PRIMARY KEY, value)")
        try db.execute(sql: "INSERT INTO t VALUES (1, ?), (2, ?)", arguments: SQLiteArguments(values: [.blob([0, 255, 7]), .blob([])]))
        let rows = try db.fetchAll(sql: "SELECT typeof(value), value FROM t ORDER BY position")
        #expect(rows.map { $0.value(at: 0) } == [.text("blob"), .text("blob")])
        #expect(rows.map { $0.value(at: 1) } == [.blob([0, 255, 7]), .blob([])])
    }

    @Test func nullIsOnlyAnOptionalsNil() throws {
        let db = try memory()
        let row = try #require(try db.fetchOne(sql: "SELECT NULL AS missing"))
        #expect(try row.stored("missing") as Int? == nil)
        #expect(throws: StoredValueMismatch(column: "missing", found: "NULL", expected: "an integer")) { try row.stored("missing") as Int }
        // A column the query does not have reads as NULL too, never as a crash.
        #expect(try row.stored("absent") as String? == nil)
        #expect(row.value(at: 5) == .null)
    }

    @Test func storedValuesConvertStrictlyByStorageClass() throws {
        let db = try memory()
        let row = try #require(try db.fetchOne(sql: "SELECT 'xyz' AS word, 0.5 AS half, 1e300 AS huge, 7 AS whole, '1' AS digit"))
        #expect(throws: StoredValueMismatch(column: "word", found: "\"xyz\"", expected: "a number")) { try row.stored("word") as Double }
        #expect(try row.stored("half") as Int == 0, "a real truncates to an integer, as it always did")
        #expect(throws: StoredValueMismatch.self) { try row.stored("huge") as Int }
        #expect(try row.stored("whole") as Double == 7)
        #expect(throws: StoredValueMismatch.self) { try row.stored("digit") as Bool }
        #expect(throws: StoredValueMismatch.self) { try row.stored("whole") as String }
    }

    @Test func aSyntaxErrorCarriesSQLitesMessageAndTheStatement() throws {
        let db = try memory()
        do {
            try db.execute(sql: "SELEC 1")
            Issue.record("no error")
        } catch let error as SQLiteError {
            #expect(error.primaryCode == 1)
            #expect(error.message == "near \"SELEC\": syntax error")
            #expect(error.sql == "SELEC 1")
            #expect("\(error)" == "SQLite error 1: near \"SELEC\": syntax error (while running: SELEC 1)")
        }
        // Through the leaderboard, the message names the file.
        let translated = Leaderboard.translate(SQLiteError(code: 1, message: "near \"SELEC\": syntax error"), path: "/x/index.sqlite")
        #expect(translated == .sqlite(path: "/x/index.sqlite", message: "near \"SELEC\": syntax error"))
    }

    @Test func argumentsMustMatchTheParameters() throws {
        let db = try memory()
        #expect(throws: SQLiteError.self) { try db.fetchAll(sql: "SELECT ?, ?", arguments: [1]) }
        #expect(throws: SQLiteError.self) { try db.fetchAll(sql: "SELECT ?", arguments: [1, 2]) }
        #expect(throws: SQLiteError.self) { try db.execute(sql: "SELECT ?; SELECT 1", arguments: [1, 2]) }
        #expect(throws: SQLiteError.self) { try db.makeStatement(sql: "SELECT 1; SELECT 2") }
        #expect(throws: SQLiteError.self) { try db.makeStatement(sql: "  -- nothing but a comment") }
    }

    @Test func aScriptSharesItsArgumentsOutInOrder() throws {
        let db = try memory()
        try db.execute(sql: """
            CREATE TABLE t (a, b);
            INSERT INTO t VALUES (?, ?);
            -- a comment between statements
            INSERT INTO t VALUES (?, 'fixed');;
            """, arguments: [1, "one", 2])
        let rows = try db.fetchAll(sql: "SELECT a, b FROM t ORDER BY a").map { try [$0.stored("a") as Int, $0.stored("b") as String] as [AnyHashable] }
        #expect(rows == [[1, "one"], [2, "fixed"]])
    }

    @Test func aWriterWaitsOutAnotherConnectionsTransactionAndFailsAtOnceWithoutATimeout() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("busy.sqlite")
        var waiting = SQLiteConnection.Options()
        waiting.busyTimeout = 20
        let writer = try SQLiteConnection(path: path, options: waiting)
        try writer.execute(sql: "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)")
        let impatient = try SQLiteConnection(path: path, options: SQLiteConnection.Options())

        let holding = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let holder = Thread {
            do {
                var options = SQLiteConnection.Options()
                options.busyTimeout = 20
                let other = try SQLiteConnection(path: path, options: options)
                try other.transaction(.immediate) {
                    try other.execute(sql: "INSERT INTO t VALUES (1)")
                    holding.signal()
                    usleep(400_000)
                }
            } catch {
                failure.message.withLock { $0 = "\(error)" }
                holding.signal()
            }
        }
        holder.start()
        holding.wait()
        // No timeout: the write lock is taken, so SQLITE_BUSY at once.
        let start = ContinuousClock.now
        let busy = #expect(throws: SQLiteError.self) {
            try impatient.transaction(.immediate) { try impatient.execute(sql: "INSERT INTO t VALUES (3)") }
        }
        #expect(busy?.primaryCode == 5)
        // A timeout: SQLite's busy handler retries until the other transaction commits.
        try writer.transaction(.immediate) { try writer.execute(sql: "INSERT INTO t VALUES (2)") }
        #expect(ContinuousClock.now - start > .milliseconds(200), "the second writer waited for the first")
        #expect(failure.message.withLock { $0 } == nil)
        #expect(try writer.fetchAll(Int.self, sql: "SELECT x FROM t ORDER BY x") == [1, 2])
    }

    @Test func aFileThatIsNotSQLiteIsNotADatabaseAndIsLeftAlone() throws {
        let folder = TemporaryDirectory()
        let noise = Array(repeating: UInt8(0x5A), count: 8192)
        let path = folder.write("noise.sqlite", noise)
        let error = #expect(throws: SQLiteError.self) { try SQLiteConnection(path: path, options: SQLiteConnection.Options()) }
        #expect(error?.primaryCode == 26)
        #expect([UInt8](FileManager.default.contents(atPath: path) ?? Data()) == noise)
        #expect(Leaderboard.translate(SQLiteError(code: 26, message: "file is not a database"), path: path) == .notADatabase(path: path))
    }

    @Test func aDamagedFileFailsWithAnErrorNotACrash() throws {
        let folder = TemporaryDirectory()
        var damaged = SQLiteFixture.database(tables: ["users"])
        for index in 100..<damaged.count { damaged[index] = UInt8(truncatingIfNeeded: index &* 31) }
        let path = folder.write("damaged.sqlite", damaged)
        let error = #expect(throws: SQLiteError.self) {
            let db = try SQLiteConnection(path: path, options: SQLiteConnection.Options())
            _ = try db.fetchAll(sql: "SELECT * FROM users")
        }
        #expect(error?.primaryCode == 11 || error?.primaryCode == 26, "SQLITE_CORRUPT or SQLITE_NOTADB: \(String(describing: error))")
    }

    @Test func aCachedStatementIsReusedUnlessInUse() throws {
        let db = try memory()
        let first = try db.cachedStatement(sql: "SELECT 1 UNION ALL SELECT 2")
        #expect(try db.cachedStatement(sql: "SELECT 1 UNION ALL SELECT 2") === first)
        #expect(try first.step())
        #expect(try db.cachedStatement(sql: "SELECT 1 UNION ALL SELECT 2") !== first, "a statement mid-run is not handed out twice")
        first.reset()
        #expect(try db.cachedStatement(sql: "SELECT 1 UNION ALL SELECT 2") === first)
    }

    @Test func aTransactionThatThrowsIsRolledBack() throws {
        struct Refusal: Error {}
        let db = try memory()
        try db.execute(sql: "CREATE TABLE t (x)")
        #expect(throws: Refusal.self) {
            try db.transaction(.immediate) {
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                throw Refusal()
            }
        }
        #expect(!db.isInsideTransaction)
        #expect(try db.fetchOne(Int.self, sql: "SELECT count(*) FROM t") == 0)
        let id = try db.transaction(.deferred) {
            try db.execute(sql: "INSERT INTO t VALUES (2)")
            return db.lastInsertedRowID
        }
        #expect(id == 1 && db.changes == 1)
    }

    @Test func aReadCannotWriteAndTheDatabaseIsNotReentrant() throws {
        let database = try SQLiteDatabase(path: ":memory:", options: SQLiteConnection.Options())
        try database.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        let readOnly = #expect(throws: SQLiteError.self) { try database.read { db in try db.execute(sql: "INSERT INTO t VALUES (1)") } }
        #expect(readOnly?.primaryCode == 8)
        try database.write { db in try db.execute(sql: "INSERT INTO t VALUES (1)") }
        #expect(try database.read { db in try db.fetchOne(Int.self, sql: "SELECT count(*) FROM t") } == 1)
        let reentrant = #expect(throws: SQLiteError.self) { try database.withConnection { _ in try database.withConnection { _ in 0 } } }
        #expect(reentrant?.primaryCode == 21)
    }
}

/// A message a helper thread leaves for the test.
private final class FailureBox: Sendable {
    let message = Mutex<String?>(nil)
}
