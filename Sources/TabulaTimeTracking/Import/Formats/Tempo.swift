extension ImportFormatSpec {
    /// Jira Tempo's worklog export (Server/Data Center and Cloud column sets, English or
    /// Russian headers): the issue key names the task, the work date may carry a time
    /// (`2016-8-1 14:33`), billed hours above zero make the entry billable.
    static let tempo = ImportFormatSpec(
        title: "Jira Tempo worklog CSV",
        columns: [
            .taskKey: ["issue key", "ключ задачи", "ключ запроса"], .taskTitle: ["issue summary", "тема задачи", "тема запроса"],
            .hours: ["hours", "часы"], .workDate: ["work date", "дата работы"],
            .login: ["username", "имя пользователя"], .user: ["full name", "полное имя", "author", "автор"],
            .email: ["email", "e-mail", "user email"],
            .client: ["account customer", "customer", "клиент", "заказчик"],
            .projectCode: ["project key", "ключ проекта"], .project: ["project name", "project", "название проекта", "проект"],
            .note: ["work description", "описание работы", "comment", "комментарий"],
            .billedHours: ["billed hours", "оплачиваемые часы", "выставленные часы"],
            .id: ["worklog id", "tempo worklog id", "jira worklog id", "id журнала работ", "идентификатор журнала работ"],
        ],
        required: [[.taskKey], [.hours], [.workDate], [.user, .login, .email]],
        timing: .workDate)
}
