import Foundation
import TabulaEngine
import TabulaIO
import TabulaReports

/// What the package adds to its saved reports' output: the time matrix gets a `check` column
/// that reads the base's settings (a difference beyond `matrix_tolerance`, no break after
/// `break_after`), which a query cannot.
public enum PackageReports {
    /// The saved report's output with the package's additions (unchanged for other reports or bases).
    public static func annotate(_ output: ReportOutput, saved name: String, on base: Base) throws -> ReportOutput {
        guard TimeTracking.applies(to: base.schema), name.lowercased() == "matrix" else { return output }
        let columns = output.table.columns.map(\.name)
        guard let present = columns.firstIndex(of: "attendance"), let booked = columns.firstIndex(of: "booked"),
              let breaks = columns.firstIndex(of: "breaks") else { return output }
        var result = output
        func seconds(_ v: Value) -> Int64 { if case .duration(let s) = v { return s } else { return 0 } }
        result.table.rows = try output.table.rows.map { row in
            let found = try Attendance.checks(base, present: seconds(row[present]), booked: seconds(row[booked]), breaks: seconds(row[breaks]))
            return row + [found.isEmpty ? .blank : .text(found.joined(separator: "; "))]
        }
        result.table.columns.append(ResultColumn(name: "check", type: .text, blankText: ""))
        if let totals = result.table.totals { result.table.totals = totals + [.blank] }
        return result
    }
}
