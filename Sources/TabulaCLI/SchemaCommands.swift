import ArgumentParser
import Foundation
import TabulaEngine
import TabulaLanguage
import TabulaReports
import TabulaTimeTracking

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a base from a schema file (or a shipped package).")

    @Argument(help: "The base file to create.") var base: String
    @Option(help: "The schema file.") var schema: String?
    @Option(help: "A shipped schema package instead of a file (e.g. timetracking).") var package: String?
    @Option(help: "With --package: the base's time zone (default: this machine's).") var timezone: String?
    @Option(help: "With --package: the base's currency code (default: EUR).") var currency: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let (source, name): (String, String)
            switch (schema, package) {
            case (let file?, nil): (source, name) = (try readFile(file), file)
            case (nil, let pkg?):
                guard let p = SchemaPackage.named(pkg) else {
                    let names = SchemaPackage.available
                throw CLIError("no schema package '\(pkg)'", hint: Suggestions.didYouMean(pkg, among: names).map { "\($0) (the packages are: \(names.joined(separator: ", ")))" }
                                ?? (names.isEmpty ? "this build ships no packages; use --schema FILE" : "the packages are: \(names.joined(separator: ", "))"))
                }
                var code: String?
                if let currency {
                    guard let normalized = CurrencyCode.normalized(currency) else { throw CurrencyCode.refusal(currency) }
                    code = normalized
                }
                (source, name) = (p.configured(timeZone: timezone ?? TimeZone.current.identifier, currency: code), "package \(pkg)")
            case (_, _) where schema != nil && (timezone != nil || currency != nil):
                throw CLIError("--timezone and --currency go with --package", hint: "a schema file sets them itself: timezone \"Europe/Berlin\", currency EUR")
            case (nil, nil): throw CLIError("give a schema: --schema FILE or --package NAME", hint: "e.g. tabula init team.tabula --schema Samples/design.tabula")
            default: throw CLIError("give either --schema or --package, not both")
            }
            try OtherBaseCheck.check(source: SourceText(name: name, text: source), basePath: base)
            let created = try Base.create(at: base, schemaSource: source, sourceName: name, actor: actor.resolvedActor, now: try clock(),
                                          reportChecker: ReportChecker())
            CrossBase.configure(created)
            CrossBase.link(created)
            let tables = created.schema.tables
            print("created \(base): \(tables.count) table\(tables.count == 1 ? "" : "s") (\(tables.map(\.name).joined(separator: ", ")))")
            created.close()
        }
    }
}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate a base to a schema file: print the plan and apply it in one transaction.")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The new schema file.") var file: String?
    @Option(help: "A shipped schema package instead of a file (e.g. timetracking): its current version, with the base's own time zone and currency.") var package: String?
    @Flag(help: "Print the plan and run the migration with all its checks, then roll it back: nothing is changed, and it fails where the real one would.") var dryRun = false
    @Flag(help: "Allow steps that lose data (dropping tables or fields, lossy conversions).") var allowDestructive = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let (source, name): (String, String)
            switch (file, package) {
            case (let file?, nil): (source, name) = (try readFile(file), file)
            case (nil, let pkg?):
                guard let p = SchemaPackage.named(pkg) else {
                    throw CLIError("no schema package '\(pkg)'", hint: "the packages are: \(SchemaPackage.available.joined(separator: ", "))")
                }
                (source, name) = (p.configured(timeZone: b.schema.timeZone, currency: b.schema.currency), "package \(pkg)")
            case (nil, nil): throw CLIError("give the new schema: FILE or --package NAME", hint: "e.g. tabula apply team.db Samples/tour/v2.tabula")
            default: throw CLIError("give either a schema file or --package, not both")
            }
            try OtherBaseCheck.check(source: SourceText(name: name, text: source), basePath: base)
            let plan = try b.migrations.plan(to: source, sourceName: name, reportChecker: ReportChecker())
            print(plan.description)
            if plan.isEmpty { return }
            try b.migrations.apply(plan, allowDestructive: allowDestructive, dryRun: dryRun)
            let changes = "\(plan.steps.count) change\(plan.steps.count == 1 ? "" : "s")"
            print(dryRun ? "dry run: the migration would apply (\(changes)); nothing was changed" : "applied \(changes)")
            if !dryRun { CrossBase.link(b, migrated: true) }
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Recompute every computed field from scratch and compare it with what is stored.")

    @Argument(help: "The base file.") var base: String
    @Flag(help: "Replace stored values that differ.") var fix = false
    @Flag(help: "Also run SQLite's integrity and foreign-key checks and check the history against the rows.") var integrity = false
    @OptionGroup var actor: ActorOptions

    func run() throws {
        var failed = false
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            if integrity {
                failed = try !runIntegrityCheck(b, base: base, fix: fix)
                return
            }
            let mismatches = try b.integrity.check(fix: fix)
            for m in mismatches { print(m.description) }
            let feeds = try b.verifyFeeds()
            for m in feeds.mismatches { print(m.description) }
            for sender in feeds.unreachable { printError("note: the feed from \(sender) was not checked: its base cannot be read from here") }
            if !feeds.checked.isEmpty {
                if feeds.mismatches.isEmpty {
                    print("ok: the rows fed from \(feeds.checked.joined(separator: ", ")) equal their source")
                } else {
                    print("\(feeds.mismatches.count) fed row\(feeds.mismatches.count == 1 ? "" : "s") differ from their source (`tabula feed resend` in the feeding base sends them all again)")
                    failed = true
                }
            }
            if mismatches.isEmpty {
                print("ok: every computed value equals a full recompute")
            } else {
                print("\(mismatches.count) computed value\(mismatches.count == 1 ? "" : "s") differ\(mismatches.count == 1 ? "s" : "")\(fix ? " (fixed)" : "")")
                failed = !fix
            }
        }
        if failed { throw ExitCode(1) }
    }
}
