extension WebAssets {
    /// The page's script: a small router over `#/...`, the grid, timers, my week and the team's
    /// view. It calls the JSON API under /api/v1 with the session cookie and sends the CSRF token
    /// on every write; live updates come from /events.
    static let script = #"""
    "use strict";
    const meta = n => document.querySelector(`meta[name=${n}]`).content;
    const CSRF = meta("csrf"), ME = meta("person"), BASE = meta("base"), CURRENCY = meta("currency");
    const $ = (sel, root = document) => root.querySelector(sel);
    const main = () => $("#main");
    /// Replaces a node's children, leaving out the absent ones (null, undefined, false).
    const fill = (node, ...children) => node.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
    const state = { schema: null, timers: [], stamp: null, view: null, pageSize: 50 };

    function el(tag, attrs = {}, ...children) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
        else if (k === "class") e.className = v;
        else if (v === true) e.setAttribute(k, "");
        else e.setAttribute(k, v);
      }
      for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
      return e;
    }

    async function api(method, path, body, prefix = "/api/v1") {
      const options = { method, headers: {}, credentials: "same-origin" };
      if (method !== "GET") options.headers["X-CSRF-Token"] = CSRF;
      if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
      const r = await fetch(prefix + path, options);
      if (r.status === 401) { location.href = "/signin"; throw new Error("signed out"); }
      if (r.status === 204) return null;
      const data = await r.json().catch(() => ({}));
      if (!r.ok) {
        const info = data.error || { message: r.statusText };
        const e = new Error(info.message); e.info = info; e.status = r.status; throw e;
      }
      return data;
    }
    const errorText = e => e.info ? e.info.message + (e.info.hint ? ` (${e.info.hint})` : "") : String(e.message || e);

    function notice(text, ok = false) {
      const n = $("#notice");
      if (!text) { n.hidden = true; n.textContent = ""; return; }
      n.hidden = false; n.className = ok ? "notice ok" : "notice"; n.textContent = text;
    }

    // MARK: values

    const durationText = s => {
      if (s === null || s === undefined) return "";
      const neg = s < 0, m = Math.abs(s), h = Math.floor(m / 3600), mm = Math.floor(m / 60) % 60, ss = m % 60;
      return (neg ? "-" : "") + h + ":" + String(mm).padStart(2, "0") + (ss ? ":" + String(ss).padStart(2, "0") : "");
    };
    const clock = s => { const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
      return h + ":" + String(m).padStart(2, "0") + ":" + String(x).padStart(2, "0"); };
    /// The value type a field shows: the result type of a formula or mirror.
    const shownType = t => { const i = t.indexOf("-> "); return (t.startsWith("formula") || t.startsWith("mirror")) && i >= 0 ? t.slice(i + 3) : t; };
    const kindOf = t => { const s = shownType(t); return s.startsWith("link") ? "link" : s.replace(/\(.*$/, "").split(" ")[0]; };
    const currencyOf = t => { const m = /currency\(([A-Z]{3})\)/.exec(shownType(t)); return m ? m[1] : CURRENCY; };
    const isNumeric = k => ["number", "integer", "currency", "percent", "duration"].includes(k);

    /// A value as the CLI writes it, which is also what an edit takes back.
    function valueText(v, type) {
      if (v === null || v === undefined) return "";
      const k = kindOf(type);
      if (Array.isArray(v)) return v.map(x => valueText(x, k === "list" ? type.replace(/^list\((.*)\)$/, "$1") : "text")).join(", ");
      switch (k) {
        case "duration": return durationText(v);
        case "currency": return v + " " + currencyOf(type);
        case "percent": return (Math.round(v * 10000) / 100) + "%";
        case "datetime": return String(v).slice(0, 16).replace("T", " ");
        default: return String(v);
      }
    }

    function cellContent(v, type) {
      const k = kindOf(type);
      if ((k === "select" || k === "tags") && v !== null && v !== "") {
        return (Array.isArray(v) ? v : [v]).map(x => el("span", { class: "chip" }, String(x)));
      }
      if (k === "link" && Array.isArray(v)) return linkChips(v);
      if (k === "bool") return v === true ? "✓" : v === false ? "–" : "";
      return valueText(v, type);
    }

    /// A link list's first targets as chips and how many more: a task's forty entries stay one short cell.
    function linkChips(targets, shown = 3) {
      const chips = targets.slice(0, shown).map(x => el("span", { class: "chip" }, String(x)));
      if (targets.length > shown) chips.push(el("span", { class: "muted", title: targets.join(", ") }, `+${targets.length - shown}`));
      return chips;
    }

    // MARK: timers

    async function refreshTimers() {
      try {
        const data = await api("GET", "/timers");
        const now = Date.now();
        state.timers = data.timers.map(t => ({ ...t, since: now - t.elapsed * 1000, untilMs: t.until ? Date.parse(t.until) : null }));
      } catch (e) { state.timers = []; }
      renderTracking();
      tick();
      activitySync();
    }
    const timerOf = (table, row) => state.timers.find(t => t.table === table && t.row === row);
    const elapsedOf = t => Math.max(0, Math.floor((Date.now() - t.since) / 1000));

    function renderTracking() {
      const box = $("#tracking");
      box.replaceChildren();
      if (!state.timers.length) { box.hidden = true; document.title = viewTitle(); return; }
      box.hidden = false;
      const first = state.timers[0];
      box.append(el("span", { class: "dot", "aria-hidden": "true" }),
                 el("span", { class: "what" }, state.timers.length === 1 ? first.label : `${state.timers.length} timers`),
                 el("span", { class: "elapsed", id: "tracking-elapsed" }, ""),
                 el("button", { type: "button", class: "stop", onclick: () => stopTimer({ all: true }) }, "Stop all"));
    }

    function tick() {
      for (const node of document.querySelectorAll("[data-timer]")) {
        const [table, row] = JSON.parse(node.dataset.timer), t = timerOf(table, row);
        if (t) node.textContent = timerClock(t);
      }
      const first = state.timers[0], total = $("#tracking-elapsed");
      if (first && total) total.textContent = timerClock(first);
      document.title = first ? `● ${timerClock(first)} ${first.label} · Tabula` : viewTitle();
    }
    /// A stopwatch counts up; a Pomodoro counts down to its end.
    function timerClock(t) {
      if (t.mode === "pomodoro" && t.untilMs) return "🍅 " + clock(Math.max(0, Math.floor((t.untilMs - Date.now()) / 1000)));
      return clock(elapsedOf(t));
    }
    setInterval(tick, 1000);

    async function timerAction(path, body) {
      await activityBeforeTimerChange();
      try {
        await api("POST", path, body);
        notice("");
      } catch (e) { notice(errorText(e)); }
      await refreshTimers();
      await rerender();
    }
    const startTimer = (table, row, pomodoro) => timerAction("/timers/start", { table, row, pomodoro });
    const switchTimer = (table, row, pomodoro) => timerAction("/timers/switch", { table, row, pomodoro });
    const stopTimer = body => timerAction("/timers/stop", body);

    function timerControls(table, row) {
      const t = timerOf(table, row), pomodoro = () => !!$("#pomodoro")?.checked;
      if (t) {
        return el("span", { class: "timer" },
          el("span", { class: "elapsed", "data-timer": JSON.stringify([table, row]) }, timerClock(t)),
          el("button", { type: "button", class: "stop", onclick: () => stopTimer({ table, row }) }, "Stop"));
      }
      const buttons = [el("button", { type: "button", class: "start", onclick: () => startTimer(table, row, pomodoro()) }, "Start")];
      if (state.timers.length) buttons.push(" ", el("button", { type: "button", title: "Stop my timers and start this one",
        onclick: () => switchTimer(table, row, pomodoro()) }, "Switch"));
      return el("span", { class: "timer" }, buttons);
    }

    // MARK: router

    function viewTitle() { return (state.view?.title ? state.view.title + " · " : "") + "Tabula"; }
    async function schema() {
      if (!state.schema) state.schema = (await api("GET", "/tables")).tables;
      return state.schema;
    }
    async function route() {
      const hash = decodeURIComponent(location.hash.slice(1) || "/");
      notice("");
      if (hash.startsWith("/t/")) state.view = { kind: "grid", table: hash.slice(3), title: hash.slice(3), order: null, where: "", cursors: [null] };
      else if (hash === "/week") state.view = { kind: "week", title: "My week" };
      else if (hash === "/team") state.view = { kind: "team", title: "Team" };
      else if (hash.startsWith("/reports")) state.view = { kind: "reports", title: "Reports", name: hash.slice(9) || null, period: "" };
      else state.view = { kind: "tables", title: "Tables" };
      fill(main(), el("p", { class: "muted" }, "Loading…"));  // an edit left open in another view does not hold this one
      await rerender();
    }
    let rendering = false, again = false;
    async function rerender() {
      if (rendering) { again = true; return; }
      rendering = true;
      try {
        const v = state.view;
        if (v.kind === "grid") await renderGrid(v);
        else if (v.kind === "week") await renderWeek();
        else if (v.kind === "team") await renderTeam();
        else if (v.kind === "reports") await renderReports(v);
        else await renderTables();
      } catch (e) { fill(main(), el("p", { class: "field-error" }, errorText(e))); }
      finally { rendering = false; }
      tick();
      if (again) { again = false; await rerender(); }
    }

    // MARK: tables list

    async function renderTables() {
      const [tables, pinned] = await Promise.all([schema(), dashboard()]);
      fill(main(), el("h1", {}, BASE), pinned,
        el("div", { class: "cards" }, tables.map(t => el("a", { class: "card", href: "#/t/" + encodeURIComponent(t.name) },
          el("strong", {}, t.name), el("small", {}, t.fields.length + " fields")))));
    }

    // MARK: grid

    async function renderGrid(v) {
      const tables = await schema();
      const table = tables.find(t => t.name === v.table);
      if (!table) { fill(main(), el("p", {}, `There is no table ${v.table}.`)); return; }
      if (gridEditing()) { v.stale = true; return; }
      const params = new URLSearchParams({ limit: String(state.pageSize) });
      if (v.where) params.set("where", v.where);
      if (v.order) params.set("order", v.order);
      const cursor = v.cursors[v.cursors.length - 1];
      if (cursor) params.set("cursor", cursor);
      let data, filterError = null;
      try { data = await api("GET", `/tables/${encodeURIComponent(table.name)}/rows?${params}`); }
      catch (e) { if (!v.where) throw e; filterError = errorText(e); data = { rows: [], next: null }; }
      // A cell opened for editing while the rows were being fetched is not drawn over: the grid
      // catches up when the edit ends.
      if (gridEditing()) { v.stale = true; return; }
      v.next = data.next;
      const timerField = table.fields.find(f => f.type.startsWith("timer"));
      // The timer comes first, so Start is on screen even at a phone's width.
      const fields = [...table.fields.filter(f => f.type.startsWith("timer")), ...table.fields.filter(f => !f.type.startsWith("timer"))];

      const filter = el("input", { type: "search", id: "filter", placeholder: "Filter: a formula, e.g. hours > 10h", value: v.where,
        "aria-label": "Filter formula", onkeydown: e => { if (e.key === "Enter") { v.where = filter.value.trim(); v.cursors = [null]; rerender(); } } });
      const toolbar = el("div", { class: "toolbar" }, filter,
        el("button", { type: "button", onclick: () => { v.where = filter.value.trim(); v.cursors = [null]; rerender(); } }, "Filter"),
        timerField ? el("label", {}, el("input", { type: "checkbox", id: "pomodoro", checked: v.pomodoro, onchange: e => { v.pomodoro = e.target.checked; } }), " Pomodoro") : null);

      const head = el("tr", {}, fields.map(f => {
        const dir = v.order === f.name ? " ▲" : v.order === "-" + f.name ? " ▼" : "";
        return el("th", { scope: "col", "aria-sort": dir ? (dir === " ▲" ? "ascending" : "descending") : null },
          f.type.startsWith("timer") ? f.name : el("button", { type: "button", title: "Sort by " + f.name,
            onclick: () => { v.order = v.order === f.name ? "-" + f.name : v.order === "-" + f.name ? null : f.name; v.cursors = [null]; rerender(); } }, f.name + dir));
      }), el("th", {}, el("span", { class: "muted" }, "")));
      const body = el("tbody", {}, data.rows.map(row => gridRow(table, fields, row)));
      const grid = el("table", { id: "grid", "data-table": table.name }, el("thead", {}, head), body, el("tfoot", {}, addRow(table, fields)));
      grid.addEventListener("keydown", gridKeys);

      const pager = el("div", { class: "pager" },
        el("button", { type: "button", disabled: v.cursors.length === 1, onclick: () => { v.cursors.pop(); rerender(); } }, "Previous"),
        el("span", {}, `page ${v.cursors.length}`),
        el("button", { type: "button", disabled: !v.next, onclick: () => { v.cursors.push(v.next); rerender(); } }, "Next"));
      const focused = document.activeElement?.id;
      fill(main(), el("h1", {}, table.name), toolbar,
        filterError ? el("p", { class: "field-error", role: "alert" }, filterError) : null,
        el("div", { class: "scroll" }, grid), pager);
      if (focused === "filter") $("#filter").focus();
    }

    function gridRow(table, fields, row) {
      const running = !!timerOf(table.name, row.id);
      const tr = el("tr", { "data-id": row.id, class: running ? "running" : null });
      for (const f of fields) {
        if (f.type.startsWith("timer")) { tr.append(el("td", { class: "timer-cell" }, timerControls(table.name, row.id))); continue; }
        const k = kindOf(f.type), v = row.fields[f.name];
        const td = el("td", { "data-field": f.name, tabindex: "0", class: [isNumeric(k) ? "num" : "", f.computed ? "computed" : ""].join(" ").trim() || null },
          cellContent(v, f.type));
        td.dataset.text = valueText(v, f.type);
        if (f.name === table.primary) td.dataset.primary = "";
        if (!f.computed) td.addEventListener("dblclick", () => editCell(table, row.id, f, td));
        tr.append(td);
      }
      let armed = false;
      const del = el("button", { type: "button", class: "danger", "aria-label": `Delete row ${row.id}`, onclick: async () => {
        if (!armed) { armed = true; del.textContent = "Really delete?"; return; }
        try { await api("DELETE", `/tables/${encodeURIComponent(table.name)}/rows/${row.id}`); notice(""); }
        catch (e) { notice(errorText(e)); }
        rerender();
      } }, "Delete");
      tr.append(el("td", {}, del));
      return tr;
    }

    const gridEditing = () => !!document.querySelector("#grid td.editing");

    function editCell(table, id, field, td) {
      if (td.classList.contains("editing")) return;
      const before = td.dataset.text;
      const input = el("input", { value: before, "aria-label": `${field.name} of row ${id}`, size: Math.max(8, before.length + 2) });
      const error = el("div", { class: "cell-error", role: "alert" });
      td.classList.add("editing");
      td.replaceChildren(input, error);
      input.focus(); input.select();
      const finish = () => { td.classList.remove("editing"); if (state.view.stale) state.view.stale = false; rerender(); };
      input.addEventListener("keydown", async e => {
        if (e.key === "Escape") { e.preventDefault(); finish(); td.focus(); }
        if (e.key === "Enter") {
          e.preventDefault(); e.stopPropagation();
          if (input.value === before) { finish(); return; }
          try {
            await api("PATCH", `/tables/${encodeURIComponent(table.name)}/rows/${id}`, { fields: { [field.name]: input.value } });
            notice(""); finish();
          } catch (err) { error.textContent = errorText(err); input.setAttribute("aria-invalid", "true"); }
        }
      });
    }

    /// Arrow keys move between cells; Enter (or F2) edits the focused cell.
    function gridKeys(e) {
      const td = e.target.closest("td");
      if (!td || td.classList.contains("editing") || e.target.tagName === "INPUT" || e.target.tagName === "BUTTON") return;
      const tr = td.parentElement, i = [...tr.children].indexOf(td);
      let next = null;
      if (e.key === "ArrowRight") next = td.nextElementSibling;
      if (e.key === "ArrowLeft") next = td.previousElementSibling;
      if (e.key === "ArrowDown") next = tr.nextElementSibling?.children[i];
      if (e.key === "ArrowUp") next = tr.previousElementSibling?.children[i];
      if (next) { e.preventDefault(); next.setAttribute("tabindex", "-1"); next.focus(); return; }
      if ((e.key === "Enter" || e.key === "F2") && td.dataset.field) { e.preventDefault(); td.dispatchEvent(new MouseEvent("dblclick")); }
    }

    function addRow(table, fields) {
      const inputs = {};
      const tr = el("tr", { class: "add" });
      const error = el("div", { class: "cell-error", role: "alert" });
      for (const f of fields) {
        if (f.computed || f.type.startsWith("timer")) { tr.append(el("td", {})); continue; }
        inputs[f.name] = el("input", { "aria-label": "New " + f.name, placeholder: f.name, size: 6 });  // narrow: the add row must not widen every column
        tr.append(el("td", {}, inputs[f.name]));
      }
      const add = async () => {
        const fields = {};
        for (const [name, input] of Object.entries(inputs)) if (input.value.trim() !== "") fields[name] = input.value;
        try {
          await api("POST", `/tables/${encodeURIComponent(table.name)}/rows`, { fields });
          notice(""); rerender();
        } catch (e) {
          error.textContent = errorText(e);
          if (e.info?.field && inputs[e.info.field]) { inputs[e.info.field].setAttribute("aria-invalid", "true"); inputs[e.info.field].focus(); }
        }
      };
      for (const input of Object.values(inputs)) input.addEventListener("keydown", e => { if (e.key === "Enter") add(); });
      tr.append(el("td", {}, el("button", { type: "button", class: "primary", onclick: add }, "Add row"), error));
      return tr;
    }

    // MARK: reports as tables

    const q = s => '"' + String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
    async function report(query) { return api("POST", "/report", { query }); }

    /// A report's rows as a table; `durations` names the columns that hold seconds.
    function reportTable(rows, durations = [], options = {}) {
      if (!rows.length) return el("p", { class: "muted" }, options.empty || "Nothing yet.");
      const columns = Object.keys(rows[0]).filter(c => c !== "id");
      const show = (c, v) => durations.includes(c) ? durationText(v) : v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);
      const totals = columns.map(c => durations.includes(c) ? rows.reduce((s, r) => s + (r[c] || 0), 0) : null);
      return el("div", { class: "scroll" }, el("table", { class: options.class },
        el("thead", {}, el("tr", {}, columns.map(c => el("th", { scope: "col", class: durations.includes(c) ? "num" : null }, c)))),
        el("tbody", {}, rows.map(r => el("tr", { class: options.highlight?.(r) ? "over" : null },
          columns.map(c => el("td", { class: durations.includes(c) ? "num" : null }, show(c, r[c])))))),
        options.totals === false ? null : el("tfoot", {}, el("tr", {}, columns.map((c, i) =>
          el("th", { class: totals[i] !== null ? "num" : null }, i === 0 && totals[0] === null ? "Total" : totals[i] !== null ? durationText(totals[i]) : ""))))));
    }

    // MARK: my week

    async function renderWeek() {
      const mine = `person = ${q(ME)}`;
      const [byDay, total, today, tasks] = await Promise.all([
        report(`sum(duration) as hours by project per day for this week where ${mine}`),
        report(`sum(duration) as hours for this week where ${mine}`),
        api("GET", `/tables/TimeEntries/rows?limit=100&order=start&where=${encodeURIComponent(`${mine} and local_day = text(today())`)}`),
        api("GET", "/tables/Tasks/rows?limit=500"),
      ]);
      const week = total[0]?.hours || 0;
      const entries = today.rows.map(r => ({ task: r.fields.task, start: valueText(r.fields.start, "datetime"),
        end: valueText(r.fields.end, "datetime"), duration: r.fields.duration, source: r.fields.source, note: r.fields.note }));
      const form = el("form", { class: "inline", id: "log-form" });
      const task = el("select", { name: "task", "aria-label": "Task" }, tasks.rows.map(r => el("option", { value: r.id }, r.fields.title)));
      const date = el("input", { name: "date", type: "date", value: new Date().toISOString().slice(0, 10), "aria-label": "Date" });
      const hours = el("input", { name: "hours", placeholder: "1:30 or 1.5", size: 8, "aria-label": "Hours" });
      const note = el("input", { name: "note", placeholder: "note", "aria-label": "Note" });
      const error = el("div", { class: "field-error", role: "alert" });
      form.append(el("label", {}, "Task", task), el("label", {}, "Date", date), el("label", {}, "Hours", hours), el("label", {}, "Note", note),
        el("button", { type: "submit", class: "primary" }, "Add entry"), error);
      form.addEventListener("submit", async e => {
        e.preventDefault();
        try {
          const h = hours.value.trim(), colon = /^(\d+):(\d{2})$/.exec(h);
          const body = { table: "Tasks", row: Number(task.value), date: date.value, hours: colon ? `${colon[1]}h${colon[2]}m` : h };
          if (note.value.trim()) body.note = note.value.trim();
          await api("POST", "/log", body);
          notice("Entry added (marked manual).", true); rerender();
        } catch (err) { error.textContent = errorText(err); }
      });
      const mineRunning = state.timers;
      fill(main(), el("h1", {}, "My week"),
        el("p", {}, "This week: ", el("span", { class: "total", id: "week-total" }, durationText(week))),
        el("h2", {}, "Per day and project"), reportTable(byDay, ["hours"], { empty: "No hours this week yet." }),
        el("h2", {}, "Running timers"),
        mineRunning.length ? el("ul", {}, mineRunning.map(t => el("li", {}, t.label, " ", timerControls(t.table, t.row)))) : el("p", { class: "muted" }, "No timer runs."),
        el("h2", {}, "Today"), reportTable(entries, ["duration"], { empty: "No entries today." }),
        el("h2", {}, "Add a forgotten entry"), form);
    }

    // MARK: the team (leads)

    async function renderTeam() {
      const month = new Date().toISOString().slice(0, 7);
      const [week, over, manual, periods, requests] = await Promise.all([
        report("sum(duration) as hours by person, project for this week"),
        api("GET", "/reports/over_50h").catch(() => []),
        report("sum(duration) as hours, count() as entries by person for this month where manual"),
        api("GET", "/periods"),
        api("GET", "/requests"),
      ]);
      const overPeople = new Set(over.map(r => r.person));
      const periodRows = periods.periods.length ? periods.periods : [{ period: month, state: "open", entries: 0, hours: 0 }];
      const periodTable = el("div", { class: "scroll" }, el("table", { id: "periods" },
        el("thead", {}, el("tr", {}, ["period", "state", "entries", "hours", ""].map(c => el("th", {}, c)))),
        el("tbody", {}, periodRows.map(p => el("tr", { "data-period": p.period },
          el("td", {}, p.period), el("td", {}, el("span", { class: "chip" }, p.state)), el("td", { class: "num" }, p.entries),
          el("td", { class: "num" }, durationText(p.hours)),
          el("td", {}, ["close", "approve", "reopen"].map(a => [el("button", { type: "button", onclick: () => periodAction(p.period, a) },
            a[0].toUpperCase() + a.slice(1) + " " + p.period), " "])))))));
      const pending = requests.requests.filter(r => r.state === "pending");
      const requestList = pending.length ? el("ul", { id: "requests" }, pending.map(r => el("li", {},
        `${r.by}: ${r.table} #${r.row} `, Object.entries(r.fields).map(([k, v]) => el("span", { class: "chip" }, `${k} = ${v}`)),
        ` “${r.reason}” `,
        el("button", { type: "button", onclick: () => decide(r.id, "approve") }, "Approve"), " ",
        el("button", { type: "button", class: "danger", onclick: () => decide(r.id, "reject") }, "Reject"))))
        : el("p", { class: "muted" }, "No pending edit requests.");
      fill(main(), el("h1", {}, "Team"),
        el("h2", {}, "This week by person and project"),
        reportTable(week, ["hours"], { highlight: r => overPeople.has(r.person), empty: "No hours this week." }),
        overPeople.size ? el("p", { class: "field-error" }, "Over 50 hours in a week: " + [...overPeople].join(", ")) : null,
        el("h2", {}, "Manual entries this month"), reportTable(manual, ["hours"], { empty: "No manual entries this month." }),
        el("h2", {}, "Months"), periodTable,
        el("h2", {}, "Edit requests"), requestList,
        exportPanel());
    }
    async function periodAction(period, action) {
      try { await api("POST", `/periods/${period}/${action}`); notice(`${period}: ${action} done.`, true); }
      catch (e) { notice(errorText(e)); }
      rerender();
    }
    async function decide(id, action) {
      try { await api("POST", `/requests/${id}/${action}`, {}); notice(`Request ${id}: ${action}d.`, true); }
      catch (e) { notice(errorText(e)); }
      rerender();
    }

    // MARK: saved reports

    /// The query string of a report view: its period, its filters and any extra parameters.
    function reportParams(period, filters, extra = {}) {
      // encodeURIComponent, not URLSearchParams: the server reads '+' as itself, not as a space.
      const pairs = Object.entries({ for: period, ...(filters || {}), ...extra }).filter(e => e[1]);
      return pairs.length ? "?" + pairs.map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`).join("&") : "";
    }
    const reportData = (name, period, filters) => api("GET", `/reports/${encodeURIComponent(name)}${reportParams(period, filters)}`, undefined, "/web");
    /// The chart the server drew (inline SVG of its own, labels escaped there).
    function reportChart(data) {
      if (!data.chart || !data.chart.bars.length) return null;
      const box = el("div", { class: "chart-box", id: "report-chart", "data-bars": data.chart.bars.length });
      box.innerHTML = data.chart.svg;
      return box;
    }
    const sameFilters = (a, b) => JSON.stringify(Object.entries(a || {}).filter(e => e[1]).sort()) === JSON.stringify(Object.entries(b || {}).filter(e => e[1]).sort());

    async function renderReports(v) {
      v.filters ??= {};
      const list = (await api("GET", "/reports", undefined, "/web")).reports;
      if (!list.length) { fill(main(), el("h1", {}, "Reports"), el("p", { class: "muted" }, "This base has no saved reports.")); return; }
      if (!v.name || !list.some(r => r.name === v.name)) v.name = list[0].name;
      const picker = el("select", { id: "report", "aria-label": "Report", onchange: e => { v.name = e.target.value; v.filters = {}; v.shared = null; rerender(); } },
        list.map(r => el("option", { value: r.name, selected: r.name === v.name }, r.name)));
      const periods = ["", "today", "this week", "last week", "this month", "last month", "this year"];
      const period = el("select", { id: "period", "aria-label": "Period", onchange: e => { v.period = e.target.value; rerender(); } },
        periods.map(p => el("option", { value: p, selected: p === v.period }, p || "the report's own period")));
      const chosen = el("input", { id: "chosen-period", placeholder: "2026-11, 2026-W47, 2026-11-01..2026-11-15", size: 26,
        "aria-label": "A chosen month, week or range", value: periods.includes(v.period) ? "" : v.period,
        onkeydown: e => { if (e.key === "Enter") { v.period = chosen.value.trim(); rerender(); } } });
      let body, data = null;
      try {
        data = await reportData(v.name, v.period, v.filters);
        body = [data.period ? el("p", { class: "muted", id: "report-period" }, data.period) : null, reportChart(data), savedReportTable(data)];
      } catch (e) { body = el("p", { class: "field-error", role: "alert" }, errorText(e)); }
      const filters = data ? el("div", { class: "filters", id: "report-filters" }, data.filters.map(f => {
        const current = v.filters[f.name] || "";
        const change = e => { v.filters[f.name] = e.target.value.trim(); rerender(); };
        const control = f.choices
          ? el("select", { name: f.name, "aria-label": "Filter by " + f.name, onchange: change },
              el("option", { value: "" }, "any"), f.choices.map(c => el("option", { value: c, selected: c === current }, c)))
          : el("input", { name: f.name, "aria-label": "Filter by " + f.name, value: current, size: 12, onkeydown: e => { if (e.key === "Enter") change(e); } });
        return el("label", {}, f.name, control);
      })) : null;
      const query = list.find(r => r.name === v.name).query;
      const download = format => el("a", { href: `/api/v1/reports/${encodeURIComponent(v.name)}${reportParams(v.period, v.filters, { format })}`,
        download: `${v.name}.${format}`, class: "download", id: "download-" + format }, "Download " + format.toUpperCase());
      const pins = (await api("GET", "/pins")).pins;
      const pinned = pins.find(p => p.report === v.name && (p.for || "") === (v.period || "") && sameFilters(p.filters, v.filters));
      const pinButton = pinned
        ? el("button", { type: "button", id: "unpin", onclick: async () => { await api("DELETE", `/pins/${pinned.id}`); notice("Unpinned from the start page.", true); rerender(); } }, "Unpin from start page")
        : el("button", { type: "button", id: "pin", onclick: async () => {
            try { await api("POST", "/pins", { report: v.name, for: v.period || null, filters: v.filters }); notice("Pinned to the start page.", true); }
            catch (e) { notice(errorText(e)); }
            rerender();
          } }, "Pin to start page");
      const shareButton = el("button", { type: "button", id: "share", onclick: async () => {
        try { const made = await api("POST", "/shares", { report: v.name, for: v.period || null, filters: v.filters }); v.shared = location.origin + made.url; notice(""); }
        catch (e) { notice(errorText(e)); }
        rerender();
      } }, "Share by link");
      const shares = (await api("GET", "/shares")).shares.filter(s => s.report === v.name && !s.revoked);
      const shareList = shares.length ? el("ul", { id: "shares" }, shares.map(s => el("li", {},
        `link ${s.id}: ${s.report}${s.for ? " for " + s.for : ""}${Object.entries(s.filters).map(([k, x]) => `, ${k} = ${x}`).join("")} `,
        el("button", { type: "button", class: "danger", onclick: async () => { await api("DELETE", `/shares/${s.id}`); notice(`Link ${s.id} revoked.`, true); rerender(); } }, "Revoke")))) : null;
      fill(main(), el("h1", {}, "Reports"),
        el("div", { class: "toolbar" }, picker, period, chosen,
          el("button", { type: "button", onclick: () => { v.period = chosen.value.trim(); rerender(); } }, "Show")),
        filters, el("p", {}, el("code", {}, query)), body,
        el("div", { class: "report-actions" }, download("csv"), download("xlsx"), pinButton, shareButton,
          v.shared ? el("input", { id: "share-link", readonly: true, value: v.shared, "aria-label": "The shared link (read-only; anyone with it sees this report)" }) : null),
        shareList);
    }

    function savedReportTable(data) {
      if (!data.rows.length) return el("p", { class: "muted" }, "No rows for this period.");
      const cls = c => c.numeric ? "num" : null;
      return el("div", { class: "scroll" }, el("table", { id: "report-table", class: "report-table" },
        el("thead", {}, el("tr", {}, data.columns.map(c => el("th", { scope: "col", class: cls(c) }, c.name)))),
        el("tbody", {}, data.rows.map(r => el("tr", {}, r.map((x, i) => el("td", { class: cls(data.columns[i]) }, x))))),
        data.totals ? el("tfoot", {}, el("tr", {}, data.totals.map((x, i) => el("th", { class: cls(data.columns[i]) }, i === 0 && !x ? "Total" : x)))) : null));
    }

    // MARK: exports (finance and leads)

    /// The month's exports for accounting, as `tabula export` writes them; shown to whom may export.
    function exportPanel() {
      if (!state.me?.exports) return null;
      const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - 1);
      const month = el("input", { id: "export-month", type: "month", value: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`, "aria-label": "Month to export" });
      const draft = el("input", { type: "checkbox", id: "export-draft" });
      const button = (label, template, format) => el("button", { type: "button", onclick: () => downloadExport(template, format, month.value, draft.checked) }, label);
      return [el("h2", {}, "Exports for accounting"),
        el("div", { class: "toolbar", id: "exports" }, el("label", {}, "Month ", month),
          el("label", { title: "a month not approved yet, marked DRAFT, not for import" }, draft, " Draft"),
          button("1C", "1c", "csv"), button("SAP CATS", "sap-cats", "csv"), button("SAP timesheet", "sap-timesheet", "csv"),
          button("CSV", "csv", "csv"), button("XLSX", "csv", "xlsx")),
        el("p", { class: "hint" }, "An approved month's billable hours; nothing is marked billed from here (tabula export --mark-billed does that).")];
    }

    async function downloadExport(template, format, month, draft) {
      const params = new URLSearchParams({ period: month, format });
      if (draft) params.set("draft", "true");
      try {
        const r = await fetch(`/api/v1/exports/${template}?${params}`, { credentials: "same-origin" });
        if (!r.ok) {
          const data = await r.json().catch(() => ({}));
          const e = new Error(data.error?.message || r.statusText); e.info = data.error; throw e;
        }
        const blob = await r.blob();
        const name = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "")?.[1] || `${template}-${month}.${format}`;
        const link = el("a", { href: URL.createObjectURL(blob), download: name });
        document.body.append(link); link.click(); link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
        notice(`Downloaded ${name}.`, true);
      } catch (e) { notice(errorText(e)); }
    }

    // MARK: activity (opt-in per team)

    // Active and idle minutes while a timer runs, only when my team opted in: a minute with any
    // input in the page is active, one without is idle; nothing else is collected. The tick and
    // the interval's length can be shortened by a test before the script loads.
    const ACTIVITY_TICK = window.TABULA_ACTIVITY_TICK_MS || 60000;
    const ACTIVITY_MINUTES = window.TABULA_ACTIVITY_MINUTES || 5;
    const PAUSED_KEY = "tabula-activity-paused";
    const activity = { paused: sessionStorage.getItem(PAUSED_KEY) === "1", input: false, active: 0, idle: 0, start: null, entry: null, ticker: null };
    for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll"]) {
      window.addEventListener(type, () => { activity.input = true; }, { passive: true, capture: true });
    }

    async function loadMe() {
      try { state.me = await api("GET", "/me"); } catch (e) { state.me = state.me || null; }
    }
    const activityOn = () => !!state.me && state.me.activity !== "off" && state.timers.length > 0;
    const recording = () => activityOn() && !activity.paused;

    async function activitySync() {
      await loadMe();
      const entry = state.timers[0]?.entry ?? null;
      if (activity.entry !== null && (activity.entry !== entry || !recording())) await activityFlush();
      if (recording() && activity.entry === null) activityBegin();
      if (recording() && !activity.ticker) activity.ticker = setInterval(activityTick, ACTIVITY_TICK);
      if (!recording() && activity.ticker) { clearInterval(activity.ticker); activity.ticker = null; }
      renderActivity();
    }
    function activityBegin() {
      Object.assign(activity, { entry: state.timers[0].entry, start: new Date(), active: 0, idle: 0, input: false });
    }
    function activityTick() {
      if (!recording()) return;
      if (activity.entry === null) activityBegin();
      if (activity.input) activity.active++; else activity.idle++;
      activity.input = false;
      if (activity.active + activity.idle >= ACTIVITY_MINUTES) activityFlush().then(() => { if (recording()) activityBegin(); });
    }
    /// Sends the interval so far (if it has a minute) and starts none.
    async function activityFlush() {
      const { entry, start, active, idle } = activity;
      Object.assign(activity, { entry: null, start: null, active: 0, idle: 0 });
      if (entry === null || active + idle === 0) return;
      try { await api("POST", "/activity", { entry, start: start.toISOString(), active, idle }); }
      catch (e) { /* the timer stopped elsewhere, or the team opted out: the minutes are dropped */ }
    }
    /// Before a timer starts or stops here: the running one's minutes go first, while it runs.
    async function activityBeforeTimerChange() { if (recording()) await activityFlush(); }
    function activityPause() {
      // Paused for this browser session: what was counted and not sent is dropped, nothing more is sent.
      activity.paused = true; sessionStorage.setItem(PAUSED_KEY, "1");
      Object.assign(activity, { entry: null, start: null, active: 0, idle: 0 });
      if (activity.ticker) { clearInterval(activity.ticker); activity.ticker = null; }
      renderActivity();
    }
    function activityResume() {
      activity.paused = false; sessionStorage.removeItem(PAUSED_KEY);
      activitySync();
    }
    function renderActivity() {
      let box = $("#activity");
      if (!box) { box = el("div", { id: "activity", class: "activity", role: "status" }); $("#tracking").after(box); }
      box.hidden = !activityOn();
      if (box.hidden) return;
      const who = state.me.activity === "lead" ? "you and your lead see it" : "only you see it";
      if (activity.paused) {
        fill(box, el("span", {}, "Activity paused for this session"), el("button", { type: "button", onclick: activityResume }, "Resume"));
      } else {
        fill(box, el("span", { class: "dot", "aria-hidden": "true" }),
          el("span", {}, `Recording active/idle minutes (${who})`), el("a", { href: "#/t/Activity" }, "View"),
          el("button", { type: "button", onclick: activityPause }, "Pause"));
      }
    }

    /// The reports I pinned, each with its table and chart: the start page's dashboard.
    async function dashboard() {
      const pins = (await api("GET", "/pins").catch(() => ({ pins: [] }))).pins;
      if (!pins.length) return null;
      const parts = await Promise.all(pins.map(async p => {
        let content;
        try { const data = await reportData(p.report, p.for, p.filters); content = [reportChart(data), savedReportTable(data)]; }
        catch (e) { content = el("p", { class: "field-error" }, errorText(e)); }
        const title = p.report + (p.for ? " · " + p.for : "") + Object.values(p.filters).map(x => " · " + x).join("");
        return el("section", { class: "pinned", "data-report": p.report }, el("h2", {}, el("a", { href: "#/reports/" + encodeURIComponent(p.report) }, title),
          el("button", { type: "button", onclick: async () => { await api("DELETE", `/pins/${p.id}`); rerender(); } }, "Unpin")), content);
      }));
      return [el("h2", {}, "Dashboard"), el("div", { class: "dashboard", id: "dashboard" }, parts)];
    }

    // MARK: live

    function listen() {
      const source = new EventSource("/events");
      source.onmessage = async e => {
        const stamp = e.data;
        if (state.stamp !== null && stamp !== state.stamp) {
          state.stamp = stamp; await refreshTimers();
          // A form being filled in is not redrawn under the person's hands (what they typed
          // would be lost): the page catches up when the focus leaves the form.
          if (fillingForm()) state.pendingRender = true; else await rerender();
        }
        state.stamp = stamp;
      };
      document.addEventListener("focusout", () => setTimeout(() => {
        if (state.pendingRender && !fillingForm()) { state.pendingRender = false; rerender(); }
      }, 0));
    }
    const fillingForm = () => !!document.activeElement?.closest?.("#main form");

    window.addEventListener("hashchange", route);
    loadMe().then(refreshTimers).then(route);
    listen();
    """#
}
