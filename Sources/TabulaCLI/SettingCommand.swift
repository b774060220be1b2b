import ArgumentParser
import Foundation
import TabulaEngine
import TabulaTimeTracking

/// `tabula setting BASE [NAME [VALUE]]`: the settings the base's package offers.
struct SettingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setting",
        abstract: "List, show or change the settings of a base's package (e.g. four_eyes on|off).")

    @Argument(help: "The base file.") var base: String
    @Argument(help: "The setting's name (none: list them all).") var name: String?
    @Argument(help: "The new value (none: show it); 'default' goes back to the default.") var value: String?
    @OptionGroup var actor: ActorOptions

    func run() throws {
        try runReportingErrors {
            let b = try openBase(base, actor)
            defer { b.close() }
            let specs = TimeTracking.applies(to: b.schema) ? TimeTracking.settings : []
            guard let name else {
                if specs.isEmpty { print("this base's schema is no package that has settings"); return }
                for spec in specs {
                    let value = try b.setting(spec)
                    print("\(spec.name) \(value.isEmpty ? "(not set)" : value)\t\(spec.summary) (\(spec.accepted), default \(spec.defaultValue.isEmpty ? "not set" : spec.defaultValue))")
                }
                return
            }
            guard let spec = specs.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw CLIError("this base has no setting '\(name)'",
                               hint: specs.isEmpty ? "only a package's bases have settings (tabula init BASE --package timetracking)"
                                                   : "its settings are: \(specs.map(\.name).joined(separator: ", "))")
            }
            guard let value else { print("\(spec.name) \(try b.setting(spec))"); return }
            try b.write { try $0.setSetting(spec, to: value.lowercased() == "default" ? nil : value) }
            print("\(spec.name) \(try b.setting(spec))")
        }
    }
}
