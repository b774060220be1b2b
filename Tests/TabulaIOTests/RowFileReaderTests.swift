import Testing
import TabulaIO

/// The row file reader: rows with the line each starts on, and errors that name the line.
@Suite struct RowFileReaderTests {
    func rows(_ text: String, name: String = "f.csv") throws(RowFileError) -> [RowFileRow] {
        var reader = RowFileReader(text: text, name: name)
        return try reader.rows()
    }

    @Test func csvRowsKeepTheLineTheyStartOn() throws {
        let read = try rows("\u{FEFF}name,note\r\nAcme,\"two\nlines\"\n\nBeta,\"say \"\"hi\"\"\"\n")
        #expect(read.map(\.line) == [2, 5])
        #expect(read[0].cells == [RowFileCell(column: "name", text: "Acme"), RowFileCell(column: "note", text: "two\nlines")])
        #expect(read[1].cells[1].text == "say \"hi\"")
    }

    @Test func aRowWithTheWrongFieldCountNamesItsLine() {
        #expect(throws: RowFileError(file: "f.csv", line: 3, problem: .fieldCount(count: 3, header: 2))) {
            try rows("name,rate\nAcme,1\nBeta,2,3\n")
        }
        let error = RowFileError(file: "f.csv", line: 3, problem: .fieldCount(count: 3, header: 2))
        #expect(error.message == "f.csv:3: the row has 3 fields but the header has 2")
    }

    @Test func anUnclosedQuoteNamesTheLineItOpensOn() {
        #expect(throws: RowFileError(file: "f.csv", line: 2, problem: .unclosedQuote)) { try rows("name\n\"Acme\n") }
        #expect(throws: RowFileError(file: "f.csv", line: nil, problem: .empty)) { try rows("") }
    }

    @Test func jsonLinesGiveSortedKeysWithoutID() throws {
        let read = try rows("{\"rate\": 120, \"name\": \"Acme\", \"id\": 4, \"tags\": [\"a\", \"b\"], \"ok\": true}\n\n{\"name\": null}\n",
                            name: "rows.jsonl")
        #expect(read.map(\.line) == [1, 3])
        #expect(read[0].cells.map(\.column) == ["name", "ok", "rate", "tags"])
        #expect(read[0].cells.map(\.text) == ["Acme", "true", "120", "a, b"])
        #expect(read[1].cells == [RowFileCell(column: "name", text: "")])
        #expect(throws: RowFileError(file: "x.ndjson", line: 2, problem: .notAnObject(found: "an array"))) { try rows("{}\n[1]\n", name: "x.ndjson") }
    }
}
