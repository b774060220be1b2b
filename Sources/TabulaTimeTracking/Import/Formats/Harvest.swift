extension ImportFormatSpec {
    /// Harvest's detailed time report as CSV: a day and decimal hours (`7.5`, or `"7,5"` and
    /// `"2.000,0"` from accounts with a European number format), no time of day.
    static let harvest = ImportFormatSpec(
        title: "Harvest detailed time CSV",
        columns: [
            .date: ["date"], .client: ["client"], .project: ["project"], .projectCode: ["project code"], .task: ["task"],
            .note: ["notes"], .hours: ["hours"], .billable: ["billable?", "billable"], .firstName: ["first name"],
            .lastName: ["last name"], .amount: ["billable amount"], .currency: ["currency"], .email: ["email"],
        ],
        required: [[.date], [.hours], [.firstName, .lastName]],
        timing: .hoursOnDay)
}
