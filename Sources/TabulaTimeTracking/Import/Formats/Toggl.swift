extension ImportFormatSpec {
    /// Toggl Track's detailed report as CSV. Start and end give the interval (the Duration
    /// column follows the user's profile, `02:30:30`, `1.5 h` or `18:25 min`, and is read only
    /// when the end is missing); the amount column names its currency, or is absent.
    static let toggl = ImportFormatSpec(
        title: "Toggl Track detailed CSV",
        columns: [
            .user: ["user", "member"], .email: ["email"], .client: ["client"], .project: ["project"], .task: ["task"],
            .note: ["description"], .billable: ["billable"], .date: ["start date"], .startTime: ["start time"],
            .endDate: ["end date"], .endTime: ["end time"], .duration: ["duration"], .tags: ["tags"], .amount: ["amount ("],
            .id: ["id", "time entry id"],
        ],
        required: [[.date], [.startTime], [.user, .email], [.endTime, .duration]],
        timing: .interval)
}
