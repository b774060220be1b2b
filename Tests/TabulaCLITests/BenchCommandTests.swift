import Foundation
import Testing

/// The benchmark commands run end to end on small sizes and print their figures (timings
/// themselves are not asserted: speed is the benchmark's business, not the tests').
@Suite struct BenchCommandTests {
    @Test("bench server runs writes alone, reads alone and the mix over real HTTP, with no failed request")
    func benchServerPrintsEachPhase() throws {
        let result = try CLI().run("bench", "server", "--clients", "3", "--seconds", "0.5")
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["writes alone", "reads alone", "mixed (1 write, 2 reads)", "timer start/stop (writes)", "reads (timers, a row)"] {
            #expect(result.stdout.contains(line), "missing \(line)")
        }
        #expect(result.stdout.contains("failed requests: 0"))
        #expect(result.stdout.contains("closed loop"))
        // Stops that change totals: the writing phases' server clock runs faster than the wall's.
        #expect(result.stdout.contains("server's clock runs 3600x the wall clock"))
        // An open loop: requests on a fixed schedule, latency from when each was due.
        let paced = try CLI().run("bench", "server", "--clients", "3", "--seconds", "0.5", "--phases", "writes", "--rate", "40")
        #expect(paced.status == 0, "\(paced.stderr)")
        #expect(paced.stdout.contains("open loop: 40 requests/s offered"))
        let writes = paced.stdout.split(separator: "\n").first { $0.contains("timer start/stop (writes)") }
        let count = writes.flatMap { line in line.split(separator: "(").last.flatMap { Int($0.split(separator: " ").first ?? "") } }
        #expect(count.map { (12...30).contains($0) } == true, "about 20 requests at 40/s for 0.5 s: \(writes ?? "")")
        #expect(paced.stdout.contains("failed requests: 0"))
        let badRate = try CLI().run("bench", "server", "--rate", "0")
        #expect(badRate.status != 0)
        #expect(badRate.stderr.contains("--rate must be"))
        let bad = try CLI().run("bench", "server", "--phases", "writes,naps")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'naps' is not a phase"))
    }

    @Test("bench grid times the TimeEntries grid's first page, sorted and filtered, on an imported base")
    func benchGridPrintsEachPage() throws {
        let result = try CLI().run("bench", "grid", "--entries", "300", "--repetitions", "3")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("300 entries"))
        for line in ["first page (50 rows)", "sorted newest first", "filtered (duration > 3h)"] {
            let row = result.stdout.split(separator: "\n").first { $0.contains(line) }
            #expect(row?.contains("(3 requests)") == true, "missing \(line)")
        }
    }

    @Test func benchFormulasPrintsRowsPerSecondAndTheOneRowTime() throws {
        let result = try CLI().run("bench", "formulas", "--rows", "200", "--repetitions", "5")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("full evaluation: rows/s"))
        #expect(result.stdout.contains("one row after a write: median"))
        #expect(result.stdout.contains("formula fields"))
    }

    @Test func benchRecomputePrintsBothSizesAndTheRatio() throws {
        let result = try CLI().run("bench", "recompute", "--entries", "1000", "--repetitions", "5")
        #expect(result.status == 0, "\(result.stderr)")
        let header = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("100") && header.contains("1000"))
        for line in ["one entry changed: median", "one entry moved: median", "1,000 changes, one transaction", "full recompute", "open the base", "peak memory", "one change: ratio"] {
            #expect(result.stdout.contains(line), "missing \(line)")
        }
    }

    @Test func benchSpeedPrintsEveryMeasureBesideItsFloorAndTheSizeRatios() throws {
        let result = try CLI().run("bench", "speed", "--entries", "1000", "--repetitions", "5")
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["load through the bulk path", "timer start (median)", "timer stop (median)", "one entry changed", "1,000 changes, one transaction",
                     "full recompute", "report: all history by client", "by client, person", "peak memory"] {
            let row = result.stdout.split(separator: "\n").first { $0.contains(line) }
            #expect(row != nil, "missing \(line)")
            if let row, line != "peak memory" { #expect(row.contains("x "), "no ratio to the floor in: \(row)") }
        }
    }

    @Test func benchImportImportsEveryGeneratedRowAndPrintsRowsPerSecond() throws {
        let result = try CLI().run("bench", "import", "--entries", "300")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("generated a Toggl CSV of 300 rows"))
        #expect(result.stdout.contains("import: 300 entries in"))
        #expect(result.stdout.contains("rows/s"))
        #expect(result.stdout.contains("(equal)"))
    }

    @Test func benchRefusesASizeTooSmall() throws {
        let result = try CLI().run("bench", "recompute", "--entries", "5")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--entries must be at least 100"))
    }
}
