// Issues: the list (grouping, sorting, multi-select, windowed above 200 rows) and the
// board view. Filters, grouping, sort and view live in the URL and are remembered per
// company.
import { html, memo, useCallback, useEffect, useMemo, useRef, useState } from "../preact.js";
import { useWindow } from "../components/windowing.js";
import { navigate, setQuery, isPlainClick } from "../router.js";
import * as api from "../api.js";
import { useQuery, useNow } from "../data.js";
import { Page, Query, Empty, Avatar, useShell, IssueStatus, IssuePriority } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Picker, usePicker } from "../components/dialog.js";
import { statusItems, priorityItems, assigneeItems, agentName } from "../components/pickers.js";
import { toast } from "../components/toasts.js";
import { useListNav, useKeys } from "../keys.js";
import { patchIssue } from "../issue-actions.js";
import { Board } from "./board.js";
import { ISSUE_STATUSES, PRIORITIES, statusLabel, priorityLabel, ago, duration, plural } from "../format.js";

const ROW_H = 38;
const WINDOW_ABOVE = 200;
const DEFAULT_STATUS = ISSUE_STATUSES.filter((s) => s !== "done" && s !== "cancelled");
const QUICK = [["Active", ["todo", "in_progress", "in_review", "blocked"]], ["Backlog", ["backlog"]], ["Done", ["done"]]];
const PRIORITY_RANK = Object.fromEntries(PRIORITIES.map((p, i) => [p, i]));

/** readFilters turns the query string into the issues view state. */
export function readFilters(q) {
  const csv = (k) => (q.get(k) ? q.get(k).split(",").filter(Boolean) : null);
  return {
    view: q.get("view") === "board" ? "board" : "list",
    status: csv("status") || (q.get("status") === "" ? [] : DEFAULT_STATUS),
    allStatus: q.get("status") === "all",
    priority: csv("priority") || [],
    assignee: q.get("assignee") || "",
    label: q.get("label") || "",
    q: q.get("q") || "",
    group: q.get("group") || "none",
    sort: q.get("sort") || "priority",
    sub: q.get("sub") === "1",
  };
}

function sortRows(rows, sort) {
  const by = {
    priority: (a, b) => (PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]) || (b.updatedAt > a.updatedAt ? 1 : -1),
    updated: (a, b) => (b.updatedAt > a.updatedAt ? 1 : b.updatedAt < a.updatedAt ? -1 : 0),
    created: (a, b) => (b.createdAt > a.createdAt ? 1 : b.createdAt < a.createdAt ? -1 : 0),
    identifier: (a, b) => b.issueNumber - a.issueNumber,
  }[sort] || (() => 0);
  return [...rows].sort(by);
}

function groupKey(issue, group, agents) {
  switch (group) {
    case "status": return [issue.status, statusLabel(issue.status)];
    case "priority": return [issue.priority, priorityLabel(issue.priority)];
    case "assignee": return [issue.assigneeAgentId || "", agentName(agents, issue.assigneeAgentId) || "Unassigned"];
    case "project": return [issue.projectId || "", issue.projectId ? "Project " + issue.projectId.slice(0, 6) : "No project"];
    case "label": return [(issue.labels && issue.labels[0] && issue.labels[0].id) || "", (issue.labels && issue.labels[0] && issue.labels[0].name) || "No label"];
    default: return ["", ""];
  }
}

const IssueRow = memo(function IssueRow({ issue, index, agents, selected, checked, onCheck, onPick, prefix, now, depth }) {
  const open = (e) => {
    if (e.target.closest("button")) return;
    if (e.shiftKey) { e.preventDefault(); onCheck(issue, true); return; }
    if (!isPlainClick(e)) return;
    e.preventDefault();
    navigate(`/${prefix}/issues/${issue.identifier}`);
  };
  const who = agentName(agents, issue.assigneeAgentId);
  const run = issue.activeRun;
  return html`<a class=${"list-row" + (selected ? " selected" : "") + (checked ? " checked" : "")} href=${`/${prefix}/issues/${issue.identifier}`}
      data-row=${index} onClick=${open} style=${depth ? `padding-left:${10 + depth * 22}px` : ""} aria-label=${issue.identifier + " " + issue.title}>
    <button type="button" class="status-btn" aria-label=${"Priority: " + priorityLabel(issue.priority) + ". Change priority"} onClick=${(e) => onPick("priority", e, issue)}>
      <${IssuePriority} priority=${issue.priority} /></button>
    <span class="ident hide-sm" style="width:64px">${issue.identifier}</span>
    <button type="button" class="status-btn" aria-label=${"Status: " + statusLabel(issue.status) + ". Change status"} onClick=${(e) => onPick("status", e, issue)}>
      <${IssueStatus} status=${issue.status} /></button>
    <span class="title">${issue.title}</span>
    ${run ? html`<span class="live-dot" title=${`${agentName(agents, run.agentId) || "Agent"} is running — ${duration(now - Date.parse(run.startedAt || run.createdAt))}`} role="img" aria-label="Run in progress" />` : null}
    ${(issue.labels || []).slice(0, 3).map((l) => html`<span class="chip hide-sm"><span class="label-dot" style=${"background:" + l.color} />${l.name}</span>`)}
    <button type="button" class="status-btn" aria-label=${"Assignee: " + (who || "Unassigned") + ". Change assignee"} onClick=${(e) => onPick("assignee", e, issue)} title=${who || "Unassigned"}>
      ${who ? html`<${Avatar} name=${who} agent />` : html`<span class="avatar" style="background:none;border:1px dashed var(--border-strong)" />`}</button>
    <span class="muted small nowrap hide-sm" style="width:64px;text-align:right" title=${issue.updatedAt}>${ago(issue.updatedAt, now)}</span>
  </a>`;
});

function FilterBar({ f, agents, labels, count }) {
  const [picker, openPicker, closePicker] = usePicker();
  const [q, setQ] = useState(f.q);
  useEffect(() => {
    if (q === f.q) return undefined;
    const t = setTimeout(() => setQuery({ q: q || null }), 250);
    return () => clearTimeout(t);
  }, [q]);
  const toggle = (list, v) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const statusQ = (list) => setQuery({ status: list.length === ISSUE_STATUSES.length ? "all" : list.length ? list : "" });
  const statusNow = f.allStatus ? ISSUE_STATUSES : f.status;
  const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
  return html`<div class="toolbar">
    <div class="search-wrap"><${Icon} name="search" size=${14} />
      <input class="input search" style="width:240px" type="search" placeholder="Search issues…" aria-label="Search issues" value=${q} onInput=${(e) => setQ(e.target.value)} /></div>
    <div class="toolbar-scroll">
    <div class="row" role="group" aria-label="Quick filters">
      ${QUICK.map(([label, list]) => html`<button type="button" class="chip" aria-pressed=${sameSet(statusNow, list) ? "true" : "false"} onClick=${() => statusQ(list)}>${label}</button>`)}
    </div>
    <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("status", e)}><${Icon} name="filter" size=${14} />Status${statusNow.length < ISSUE_STATUSES.length ? ` · ${statusNow.length}` : ""}</button>
    <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("priority", e)}>Priority${f.priority.length ? ` · ${f.priority.length}` : ""}</button>
    <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("assignee", e)}>${f.assignee ? (f.assignee === "none" ? "Unassigned" : agentName(agents, f.assignee) || "Assignee") : "Assignee"}</button>
    ${labels.length ? html`<button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("label", e)}>${f.label ? (labels.find((l) => l.id === f.label) || {}).name || "Label" : "Label"}</button>` : null}
    <span class="grow" />
    <span class="muted small nowrap">${plural(count, "issue")}</span>
    <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("group", e)}>Group: ${f.group === "none" ? "None" : f.group}</button>
    <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("sort", e)}><${Icon} name="sort" size=${14} />${f.sort}</button>
    <button type="button" class="btn sm" aria-pressed=${f.sub ? "true" : "false"} onClick=${() => setQuery({ sub: f.sub ? null : "1" })}>Sub-issues</button>
    <div class="btn-group" role="group" aria-label="View">
      <button type="button" class="btn sm icon" aria-label="List view" aria-pressed=${f.view === "list" ? "true" : "false"} onClick=${() => setQuery({ view: null })}><${Icon} name="list" size=${14} /></button>
      <button type="button" class="btn sm icon" aria-label="Board view" aria-pressed=${f.view === "board" ? "true" : "false"} onClick=${() => setQuery({ view: "board" })}><${Icon} name="board" size=${14} /></button>
    </div>
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Status filter" multi items=${statusItems()} value=${statusNow}
      onSelect=${(v) => statusQ(toggle(statusNow, v))} onClose=${closePicker} />` : null}
    ${picker && picker.name === "priority" ? html`<${Picker} anchor=${picker.anchor} label="Priority filter" multi items=${priorityItems()} value=${f.priority}
      onSelect=${(v) => setQuery({ priority: toggle(f.priority, v) })} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assignee" ? html`<${Picker} anchor=${picker.anchor} label="Assignee filter" search
      items=${[{ value: "", label: "Anyone" }, { value: "none", label: "Unassigned" }, ...assigneeItems(agents, { none: false })]} value=${f.assignee}
      onSelect=${(v) => setQuery({ assignee: v })} onClose=${closePicker} />` : null}
    ${picker && picker.name === "label" ? html`<${Picker} anchor=${picker.anchor} label="Label filter" search
      items=${[{ value: "", label: "Any label" }, ...labels.map((l) => ({ value: l.id, label: l.name }))]} value=${f.label}
      onSelect=${(v) => setQuery({ label: v })} onClose=${closePicker} />` : null}
    ${picker && picker.name === "group" ? html`<${Picker} anchor=${picker.anchor} label="Group by"
      items=${["none", "status", "priority", "assignee", "project", "label"].map((g) => ({ value: g, label: g[0].toUpperCase() + g.slice(1) }))} value=${f.group}
      onSelect=${(v) => setQuery({ group: v === "none" ? null : v })} onClose=${closePicker} />` : null}
    ${picker && picker.name === "sort" ? html`<${Picker} anchor=${picker.anchor} label="Sort"
      items=${[["priority", "Priority"], ["updated", "Last updated"], ["created", "Created"], ["identifier", "Identifier"]].map(([v, l]) => ({ value: v, label: l }))} value=${f.sort}
      onSelect=${(v) => setQuery({ sort: v === "priority" ? null : v })} onClose=${closePicker} />` : null}
  </div>`;
}

function BulkBar({ ids, rows, agents, onDone }) {
  const [picker, openPicker, closePicker] = usePicker();
  const apply = async (field, value) => {
    const targets = rows.filter((r) => ids.includes(r.id));
    const failed = [];
    for (const issue of targets) {
      try { await patchIssue(issue, { [field]: value }); } catch (e) { failed.push(`${issue.identifier}: ${e.message}`); }
    }
    if (failed.length) toast({ kind: "error", message: `${failed.length} of ${targets.length} updates failed`, detail: failed.slice(0, 4).join(" · ") });
    else toast({ message: `Updated ${plural(targets.length, "issue")}` });
    onDone();
  };
  return html`<div class="card row" style="padding:6px 10px;margin-bottom:10px" role="region" aria-label="Bulk actions">
    <strong>${ids.length} selected</strong>
    <button class="btn sm" onClick=${(e) => openPicker("status", e)}>Status</button>
    <button class="btn sm" onClick=${(e) => openPicker("priority", e)}>Priority</button>
    <button class="btn sm" onClick=${(e) => openPicker("assignee", e)}>Assignee</button>
    <button class="btn sm ghost right" onClick=${onDone}>Clear</button>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Set status" items=${statusItems()} onSelect=${(v) => apply("status", v)} onClose=${closePicker} />` : null}
    ${picker && picker.name === "priority" ? html`<${Picker} anchor=${picker.anchor} label="Set priority" items=${priorityItems()} onSelect=${(v) => apply("priority", v)} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assignee" ? html`<${Picker} anchor=${picker.anchor} label="Set assignee" search items=${assigneeItems(agents)} onSelect=${(v) => apply("assigneeAgentId", v)} onClose=${closePicker} />` : null}
  </div>`;
}

/** IssueList renders rows with pickers, keyboard selection and windowing. */
export function IssueList({ rows, agents, prefix, group, sub, allRows }) {
  const now = useNow(30000);
  const [picker, openPicker, closePicker] = usePicker();
  const [checked, setChecked] = useState([]);
  const flat = useMemo(() => {
    let items = rows.map((r) => ({ issue: r, depth: 0 }));
    if (sub) {
      const ids = new Set(rows.map((r) => r.id));
      const kids = {};
      for (const r of rows) if (r.parentId && ids.has(r.parentId)) (kids[r.parentId] = kids[r.parentId] || []).push(r);
      const out = [];
      const walk = (r, d) => { out.push({ issue: r, depth: d }); for (const c of kids[r.id] || []) walk(c, d + 1); };
      for (const r of rows) if (!r.parentId || !ids.has(r.parentId)) walk(r, 0);
      items = out;
    }
    if (group === "none") return items;
    const groups = new Map();
    for (const it of items) {
      const [k, label] = groupKey(it.issue, group, agents);
      if (!groups.has(k)) groups.set(k, { label, items: [] });
      groups.get(k).items.push(it);
    }
    const out = [];
    for (const [k, g] of groups) { out.push({ head: g.label, key: "g:" + k, count: g.items.length }); out.push(...g.items); }
    return out;
  }, [rows, group, sub, agents]);
  const issueRows = flat.filter((x) => x.issue);
  const windowed = flat.length > WINDOW_ABOVE;
  const [wref, [from, to], reveal] = useWindow(flat.length, ROW_H, { enabled: windowed, scroller: () => document.getElementById("main") });
  const flatIndex = useMemo(() => new Map(flat.map((x, i) => [x.issue ? x.issue.id : x.key, i])), [flat]);
  // j/k may select a row outside the window: scroll it in first (rows are ROW_H tall).
  const [sel] = useListNav(issueRows.length, (i) => navigate(`/${prefix}/issues/${issueRows[i].issue.identifier}`),
    (i) => issueRows[i] && reveal(flatIndex.get(issueRows[i].issue.id)));
  const selIssue = sel >= 0 && issueRows[sel] ? issueRows[sel].issue : null;
  const check = (issue) => setChecked((c) => (c.includes(issue.id) ? c.filter((x) => x !== issue.id) : [...c, issue.id]));
  useKeys({
    x: () => selIssue && check(selIssue),
    s: () => selIssue && openPicker("status", document.querySelector(`[data-row="${sel}"]`), { issue: selIssue }),
    p: () => selIssue && openPicker("priority", document.querySelector(`[data-row="${sel}"]`), { issue: selIssue }),
    a: () => selIssue && openPicker("assignee", document.querySelector(`[data-row="${sel}"]`), { issue: selIssue }),
  }, [sel, selIssue && selIssue.id]);
  // Stable callbacks, so memoised rows outside the change skip rendering.
  const onPick = useCallback((name, e, issue) => { e.preventDefault(); e.stopPropagation(); openPicker(name, e, { issue }); }, []);
  const onCheck = useCallback((issue) => check(issue), []);
  const pick = (field) => (v) => patchIssue(picker.issue, { [field]: v }).catch(() => {});
  let rowIndex = -1;
  const indexOf = new Map(issueRows.map((x, i) => [x.issue.id, i]));
  const render = (x) => {
    if (x.head !== undefined) return html`<div class="group-head" key=${x.key} style=${windowed ? `height:${ROW_H}px` : ""}>${x.head}<span class="muted">${x.count}</span></div>`;
    rowIndex = indexOf.get(x.issue.id);
    return html`<${IssueRow} key=${x.issue.id} issue=${x.issue} index=${rowIndex} agents=${agents} prefix=${prefix} now=${now} depth=${x.depth}
      selected=${rowIndex === sel} checked=${checked.includes(x.issue.id)} onCheck=${onCheck} onPick=${onPick} />`;
  };
  return html`<div>
    ${checked.length ? html`<${BulkBar} ids=${checked} rows=${allRows || rows} agents=${agents} onDone=${() => setChecked([])} />` : null}
    <div ref=${wref} role="list" aria-label="Issues" class=${windowed ? "list-window" : ""} style=${windowed ? `height:${flat.length * ROW_H}px` : ""}>
      ${windowed
        ? html`<div style=${`position:absolute;left:0;right:0;top:${from * ROW_H}px`}>${flat.slice(from, to).map(render)}</div>`
        : flat.map(render)}
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Status" items=${statusItems(picker.issue.status)} value=${picker.issue.status} onSelect=${pick("status")} onClose=${closePicker} />` : null}
    ${picker && picker.name === "priority" ? html`<${Picker} anchor=${picker.anchor} label="Priority" items=${priorityItems()} value=${picker.issue.priority} onSelect=${pick("priority")} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assignee" ? html`<${Picker} anchor=${picker.anchor} label="Assignee" search items=${assigneeItems(agents)} value=${picker.issue.assigneeAgentId} onSelect=${pick("assigneeAgentId")} onClose=${closePicker} />` : null}
  </div>`;
}

/** serverParams maps the view state to the list route's query (client filters the rest). */
function serverParams(f) {
  return {
    status: f.allStatus ? undefined : f.status.length ? f.status : undefined,
    priority: f.priority.length ? f.priority : undefined,
    assigneeAgentId: f.assignee && f.assignee !== "none" ? f.assignee : undefined,
    labelId: f.label || undefined,
    q: f.q || undefined,
  };
}

export function IssuesPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const storeKey = "paperclip.issues." + company.id;
  // Arriving without a query restores the view remembered for this company.
  useEffect(() => {
    if (location.search) { try { localStorage.setItem(storeKey, location.search); } catch { /* off */ } return; }
    let saved = null;
    try { saved = localStorage.getItem(storeKey); } catch { /* off */ }
    if (saved) navigate(location.pathname + saved, { replace: true });
  }, [query.toString()]);
  const f = readFilters(query);
  // The board shows every column, so without an explicit status filter it loads them all.
  const params = serverParams(f.view === "board" && !query.get("status") ? { ...f, allStatus: true } : f);
  const issues = useQuery(["issues", company.id, params], () => api.listIssues(company.id, params));
  const labels = useQuery(["labels", company.id], () => api.listLabels(company.id));
  const agents = shell.agents;
  const rows = useMemo(() => {
    let list = issues.data || [];
    if (f.assignee === "none") list = list.filter((i) => !i.assigneeAgentId && !i.assigneeUserId);
    return sortRows(list, f.sort);
  }, [issues.data, f.assignee, f.sort]);
  useEffect(() => { shell.setNewIssueContext({}); }, []);
  const actions = html`<button class="btn primary sm" onClick=${() => shell.openNewIssue({})}><${Icon} name="plus" size=${14} />New issue</button>`;
  return html`<${Page} title="Issues" actions=${actions} width="full">
    <${FilterBar} f=${f} agents=${agents} labels=${labels.data || []} count=${rows.length} />
    <${Query} q=${issues}>${() => rows.length === 0
      ? html`<${Empty} action=${html`<button class="btn primary" onClick=${() => shell.openNewIssue({})}>New issue</button>`}>
          ${f.q || f.priority.length || f.assignee || f.label ? "No issues match these filters." : "No issues yet."}</${Empty}>`
      : f.view === "board"
        ? html`<${Board} rows=${rows} agents=${agents} prefix=${company.issuePrefix} company=${company} />`
        : html`<${IssueList} rows=${rows} agents=${agents} prefix=${company.issuePrefix} group=${f.group} sub=${f.sub} />`}</${Query}>
  </${Page}>`;
}
