extension ImportFormatSpec {
    /// Clockify's detailed report as CSV: every field quoted, `Task` or `Activity`, optional
    /// `Client` and `Billable`; US dates and 12-hour times (`11/02/2026`, `09:15:00 AM`) or
    /// `dd/mm/yyyy` with 24-hour times.
    static let clockify = ImportFormatSpec(
        title: "Clockify detailed CSV",
        columns: [
            .project: ["project"], .client: ["client"], .note: ["description"], .task: ["task", "activity"],
            .user: ["user"], .email: ["email"], .tags: ["tags"], .billable: ["billable"],
            .date: ["start date"], .startTime: ["start time"], .endDate: ["end date"], .endTime: ["end time"],
            .duration: ["duration (h)", "duration"], .amount: ["billable amount ("], .id: ["id"],
        ],
        required: [[.date], [.startTime], [.user, .email], [.endTime, .duration]],
        timing: .interval)
}
