/// The web table's HTML pages and style; the script is in `WebScript.swift`. Everything is
/// served by the binary itself (no CDN: the pages work on machines without internet).
enum WebAssets {
    static func page(title: String, head: String = "", body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title.htmlEscaped)</title>
        <link rel="stylesheet" href="/assets/app.css">
        \(WebIcons.headLinks)
        \(head)
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    static func signIn(error: String?) -> String {
        let message = error.map { "<p class=\"error\" role=\"alert\">\($0.htmlEscaped)</p>" } ?? ""
        return page(title: "Sign in · Tabula", body: """
            <main class="signin">
            <h1>Tabula</h1>
            <form method="post" action="/signin">
            \(message)
            <label>Name <input name="name" autocomplete="username" required autofocus></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form>
            <p class="hint">No password yet? Ask the base's owner to run <code>tabula user password BASE NAME</code>.</p>
            </main>
            """)
    }

    /// The page every signed-in view lives in; the script fills `main` by the address's `#/...`.
    static func shell(person: String, csrf: String, base: String, currency: String) -> String {
        page(title: "Tabula", head: """
            <meta name="csrf" content="\(csrf.htmlEscaped)">
            <meta name="person" content="\(person.htmlEscaped)">
            <meta name="base" content="\(base.htmlEscaped)">
            <meta name="currency" content="\(currency.htmlEscaped)">
            <script src="/assets/app.js" defer></script>
            """, body: """
            <header class="top">
            <a class="brand" href="#/">Tabula</a>
            <nav aria-label="Views"><a href="#/">Tables</a><a href="#/week">My week</a><a href="#/team">Team</a><a href="#/reports">Reports</a></nav>
            <div id="tracking" class="tracking" hidden></div>
            <form method="post" action="/signout" class="signout">
            <input type="hidden" name="csrf" value="\(csrf.htmlEscaped)">
            <span class="me">\(person.htmlEscaped)</span> <button type="submit">Sign out</button>
            </form>
            </header>
            <div id="notice" class="notice" role="alert" hidden></div>
            <main id="main"><p>Loading…</p></main>
            """)
    }

    static let style = """
        :root { --fg: #1d2330; --muted: #667085; --line: #d9dde5; --bg: #f6f7f9; --accent: #2357c6; --run: #0b7a3b; --err: #b42318; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button.start { color: var(--run); border-color: var(--run); }
        button.stop { background: var(--run); color: #fff; border-color: var(--run); }
        button.danger { color: var(--err); }
        input, select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; }
        .top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
        .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
        .top nav { display: flex; gap: 12px; }
        .signout { margin-left: auto; display: flex; align-items: center; gap: 6px; }
        .me { color: var(--muted); }
        .tracking { display: flex; align-items: center; gap: 8px; padding: 3px 10px; border-radius: 14px; background: #e3f5ea; color: var(--run); font-weight: 600; }
        .tracking .dot { width: 9px; height: 9px; border-radius: 50%; background: var(--run); animation: pulse 1.5s infinite; }
        @keyframes pulse { 50% { opacity: .3; } }
        .activity { display: flex; align-items: center; gap: 8px; padding: 3px 10px; border-radius: 14px; background: #fff4e5; color: #8a4b00; font-size: 13px; }
        .activity .dot { width: 8px; height: 8px; border-radius: 50%; background: #d97706; animation: pulse 1.5s infinite; }
        .activity button { padding: 1px 8px; font-size: 13px; }
        .notice { margin: 10px 16px 0; padding: 8px 12px; border-radius: 6px; background: #fdecea; color: var(--err); border: 1px solid #f3c2bd; }
        .notice.ok { background: #e3f5ea; color: var(--run); border-color: #b7e1c6; }
        main { padding: 12px 16px 40px; }
        h1 { font-size: 20px; margin: 4px 0 12px; } h2 { font-size: 17px; margin: 20px 0 8px; }
        .toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
        .toolbar input[type=search] { min-width: 220px; flex: 1 1 220px; max-width: 420px; }
        .scroll { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; vertical-align: top; }
        th { background: #fafbfc; font-weight: 600; position: sticky; top: 0; }
        th button { border: 0; background: none; padding: 0; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.computed { color: #3b4252; background: #fbfbfd; }
        td[tabindex]:focus { outline: 2px solid var(--accent); outline-offset: -2px; }
        td.editing { padding: 3px 6px; }
        td .cell-error { color: var(--err); white-space: normal; max-width: 320px; font-size: 13px; margin-top: 3px; }
        tr.running td { background: #f0faf3; }
        tr.over td { background: #fff4e5; }
        .chip { display: inline-block; padding: 0 8px; margin: 0 3px 0 0; border-radius: 10px; background: #e8eefc; color: #23408e; font-size: 13px; }
        .elapsed { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--run); margin-right: 6px; }
        .pager { display: flex; gap: 8px; align-items: center; margin-top: 10px; color: var(--muted); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
        .card { display: block; padding: 12px; background: #fff; border: 1px solid var(--line); border-radius: 8px; text-decoration: none; color: var(--fg); }
        .card small { color: var(--muted); display: block; }
        .total { font-size: 22px; font-weight: 700; }
        .muted { color: var(--muted); }
        form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
        form.inline label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
        .field-error { color: var(--err); font-size: 13px; }
        .signin { max-width: 340px; margin: 10vh auto; background: #fff; padding: 24px; border: 1px solid var(--line); border-radius: 10px; }
        .signin form { display: flex; flex-direction: column; gap: 12px; }
        .signin label { display: flex; flex-direction: column; gap: 4px; }
        .signin .error { color: var(--err); margin: 0; }
        .hint { color: var(--muted); font-size: 13px; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 10px; }
        .filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
        .chart-box { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin-bottom: 10px; max-width: 640px; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart rect { fill: var(--accent); }
        svg.chart text { font-size: 12px; fill: var(--fg); }
        svg.chart text.value { fill: var(--muted); }
        .report-actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0; }
        .report-actions input { min-width: 260px; flex: 1 1 260px; max-width: 520px; }
        .dashboard { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; margin-bottom: 16px; }
        .dashboard section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; overflow-x: auto; }
        .dashboard h2 { margin: 2px 0 6px; display: flex; justify-content: space-between; gap: 8px; align-items: center; }
        .dashboard h2 button { font-size: 13px; font-weight: 400; }
        main.shared { max-width: 900px; margin: 0 auto; }
        .downloads a { margin-right: 12px; }
        @media (max-width: 640px) {
          body { font-size: 14px; }
          .top { padding: 6px 10px; gap: 6px 10px; }
          .signout .me { display: none; }
          main { padding: 10px 8px 30px; }
          th, td { padding: 5px 6px; }
          .toolbar input[type=search] { min-width: 0; flex-basis: 100%; max-width: none; }
        }
        """
}
