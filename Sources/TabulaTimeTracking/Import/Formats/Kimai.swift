extension ImportFormatSpec {
    /// Kimai 2's default CSV export template, with English or German headers: a day, a start
    /// and an end time (an end before the start crosses midnight).
    static let kimai = ImportFormatSpec(
        title: "Kimai CSV",
        columns: [
            .date: ["date", "datum"], .startTime: ["from", "begin", "von", "beginn"], .endTime: ["to", "end", "bis", "ende"],
            .duration: ["duration", "dauer"], .user: ["user", "name", "alias", "benutzer"], .login: ["username", "benutzername"],
            .email: ["e-mail", "email", "e-mail-adresse"], .client: ["customer", "kunde"], .project: ["project", "projekt"],
            .task: ["activity", "tätigkeit", "aktivität"], .note: ["description", "beschreibung"],
            .billable: ["billable", "abrechenbar"], .tags: ["tags", "schlagworte"],
            .amount: ["rate", "price", "preis", "lohn", "honorar"], .currency: ["currency", "währung"],
            .projectCode: ["project_number", "project number", "projektnummer"], .id: ["id"],
        ],
        required: [[.date], [.startTime], [.endTime, .duration], [.user, .login, .email], [.client, .task]],
        timing: .interval)
}
