import SotaSupport

extension ConfigCatalog {
    /// RFC 4180 CSV (``CSV``, the one writer): a header, then one line per row, each ending in CRLF; fields holding a
    /// comma, a quote or a line break are quoted, quotes doubled.
    package func csv() -> String {
        CSV.render(header: columns, rows: rows.map { cells($0).map(\.text) })
    }

    /// A JSON object holding `schema_version` and `configs`, an array of objects, keys in column order, numbers and
    /// config values typed (the `--json` contract, docs/json.md).
    package func json() -> String {
        let configs = JSONValue.array(rows.map { row in .object(zip(columns, cells(row)).map { ($0, $1.json) }) })
        return JSONOutput.document([("configs", configs)]).rendered(pretty: true) + "\n"
    }

    private struct Cell {
        var text: String
        var json: JSONValue
    }

    private func cells(_ row: Row) -> [Cell] {
        func string(_ text: String) -> Cell { Cell(text: text, json: text.isEmpty ? .null : .string(text)) }
        let parameters = parameterColumns.indices.map { index -> Cell in
            guard index < row.parameters.count, let value = row.parameters[index] else { return Cell(text: "", json: .null) }
            switch value {
            case .string(let text): return Cell(text: text, json: value)
            case .double(let number): return Cell(text: JSONValue.shortNumber(number), json: value)
            default: return Cell(text: value.rendered(pretty: false), json: value)
            }
        }
        return [string(row.path), string(row.location), string(row.name), string(row.status), string(row.created),
                string(row.lastActivity), Cell(text: String(row.runs), json: .int(row.runs)), string(row.bestMetric),
                Cell(text: row.bestValue.map(JSONValue.shortNumber) ?? "", json: row.bestValue.map(JSONValue.double) ?? .null),
                string(row.bestRun), string(row.bestRunOverrides), string(row.promotedTo)]
            + parameters + [string(row.configHash), string(row.gitCommit)]
    }
}
