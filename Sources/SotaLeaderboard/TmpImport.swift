import GRDBSQLite

func tmpBind(_ statement: OpaquePointer) -> Int32 { sqlite3_bind_int64(statement, 1, 5) }
