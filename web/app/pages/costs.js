// Costs: spend over a date range (presets or custom, kept in the URL) by day, agent,
// project and provider/model — hand-drawn SVG bars, each with a table alternative — and
// the budgets: the company's monthly budget, per-agent budgets, and open incidents.
import { html, useState } from "../preact.js";
import { Link, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Empty, Button, AgentStatus, useShell } from "../components/ui.js";
import { Dialog, Confirm } from "../components/dialog.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { money, absTime } from "../format.js";

const PRESETS = [["mtd", "Month to date"], ["7d", "Last 7 days"], ["30d", "Last 30 days"], ["ytd", "Year to date"], ["all", "All time"], ["custom", "Custom"]];
const SERIES = ["var(--accent)", "var(--green)", "var(--amber)", "var(--violet)", "var(--blue)", "var(--text-3)"];
const DAY = 86400000;

/** rangeParams turns the URL's range into the from/to query of every cost route. */
export function rangeParams(q, now = new Date()) {
  const range = q.get("range") || "mtd";
  const utc = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString();
  const y = now.getUTCFullYear(), m = now.getUTCMonth();
  switch (range) {
    case "7d": return { from: new Date(now - 7 * DAY).toISOString() };
    case "30d": return { from: new Date(now - 30 * DAY).toISOString() };
    case "ytd": return { from: utc(y, 0, 1) };
    case "all": return { from: "1970-01-01T00:00:00.000Z" };
    case "custom": {
      const f = q.get("from"), t = q.get("to");
      return { from: f ? f + "T00:00:00.000Z" : undefined, to: t ? new Date(Date.parse(t + "T00:00:00.000Z") + DAY).toISOString() : undefined };
    }
    default: return { from: utc(y, m, 1), to: utc(y, m + 1, 1) };
  }
}

const pct = (n) => (Math.round(n * 10) / 10).toLocaleString() + " %";
const band = (p) => (p > 90 ? "red" : p >= 70 ? "amber" : "green");
const tokens = (r) => `${(r.inputTokens || 0).toLocaleString()} / ${(r.cachedInputTokens || 0).toLocaleString()} / ${(r.outputTokens || 0).toLocaleString()}`;

/** TableToggle shows a chart or its table; the table is always in the DOM for readers. */
function Figure({ title, chart, table, empty }) {
  const [asTable, setAsTable] = useState(false);
  return html`<section class="card chart-card" aria-label=${title}>
    <div class="row"><h3>${title}</h3><button class="btn ghost sm right" aria-pressed=${asTable ? "true" : "false"} onClick=${() => setAsTable(!asTable)}>${asTable ? "Chart" : "Table"}</button></div>
    ${empty ? html`<p class="muted small">No costs recorded for this period.</p>` : asTable ? table : html`${chart}<div class="sr-only">${table}</div>`}
  </section>`;
}

function Bars({ rows, label }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<div class="hbars" role="img" aria-label=${label}>${rows.map((r) => html`<div class="hbar">
    <span class="hbar-label ellipsis" title=${r.label}>${r.label}</span>
    <span class="hbar-track"><span style=${`width:${(r.value / max) * 100}%;background:${r.color || "var(--accent)"}`} /></span>
    <span class="hbar-value">${money(r.value)}</span></div>`)}</div>`;
}

function DayChart({ days, agents }) {
  // Top five agents by spend get their own colour; the rest stack as "Other".
  const totals = {};
  for (const d of days) totals[d.agentId] = (totals[d.agentId] || 0) + d.costCents;
  const top = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id]) => id);
  const byDate = new Map();
  for (const d of days) {
    const row = byDate.get(d.date) || {};
    const k = top.includes(d.agentId) ? d.agentId : "other";
    row[k] = (row[k] || 0) + d.costCents;
    byDate.set(d.date, row);
  }
  const dates = [...byDate.keys()].sort();
  // Fill the gaps between the first and last day so bars sit on a real time axis.
  const all = [];
  if (dates.length) for (let t = Date.parse(dates[0]); t <= Date.parse(dates[dates.length - 1]); t += DAY) all.push(new Date(t).toISOString().slice(0, 10));
  const keys = [...top, "other"];
  const max = Math.max(1, ...all.map((d) => keys.reduce((a, k) => a + ((byDate.get(d) || {})[k] || 0), 0)));
  // A fixed 600-unit canvas scaled uniformly: bars stay bars and labels stay legible
  // whether the range holds one day or a year.
  const W = 600, h = 110, step = Math.min(28, W / Math.max(1, all.length)), bw = Math.max(1.5, step * 0.7);
  const name = (k) => (k === "other" ? "Other" : agentName(agents, k) || "Agent");
  const chart = html`<svg viewBox=${`0 0 ${W} ${h + 16}`} width="100%" style="max-height:170px" preserveAspectRatio="xMinYMid meet" role="img" aria-label="Spend by day">
      ${all.map((d, i) => { let y = h; return html`<g>${keys.map((k, ki) => { const v = (byDate.get(d) || {})[k] || 0; const bh = (v / max) * h; y -= bh;
        return v ? html`<rect x=${i * step + (step - bw) / 2} y=${y} width=${bw} height=${bh} rx="1.5" fill=${SERIES[ki]}><title>${d} · ${name(k)} · ${money(v)}</title></rect>` : null; })}</g>`; })}
      <rect x="0" y=${h} width=${W} height="1" fill="var(--border)" />
      <text x="0" y=${h + 13} font-size="10" fill="var(--text-3)">${all[0] || ""}</text>
      ${all.length > 1 ? html`<text x=${all.length * step} y=${h + 13} font-size="10" fill="var(--text-3)" text-anchor="end">${all[all.length - 1]}</text>` : null}
      <text x=${W} y="10" font-size="10" fill="var(--text-3)" text-anchor="end">max ${money(max)}</text></svg>
    <div class="chart-legend">${keys.filter((k) => k !== "other" || days.some((d) => !top.includes(d.agentId))).map((k) => html`<span><span class="dot" style=${"background:" + SERIES[keys.indexOf(k)]} />${name(k)}</span>`)}</div>`;
  const table = html`<table class="table small"><caption class="sr-only">Spend by day</caption><thead><tr><th scope="col">Day</th><th scope="col">Agent</th><th scope="col">Cost</th><th scope="col">Tokens in / cached / out</th></tr></thead>
    <tbody>${days.map((d) => html`<tr><td>${d.date}</td><td>${agentName(agents, d.agentId) || "—"}</td><td>${money(d.costCents)}</td><td class="mono">${tokens(d)}</td></tr>`)}</tbody></table>`;
  return html`<${Figure} title="Spend by day" chart=${chart} table=${table} empty=${!days.length} />`;
}

function RaiseDialog({ incident, cid, onClose }) {
  const [amount, setAmount] = useState(String(Math.ceil((incident.amountObserved || 0) / 100) + 10));
  const go = async () => {
    await api.resolveIncident(cid, incident.id, { action: "raise_budget_and_resume", amount: Math.round(parseFloat(amount) * 100) });
    invalidate("costs", "companies", "agents", "projects", "approvals", "badges");
    toast({ message: `Budget raised for ${incident.scopeName || incident.scopeType}` });
    onClose();
  };
  return html`<${Dialog} title=${"Raise budget — " + (incident.scopeName || incident.scopeType)} onClose=${onClose} footer=${html`
      <button class="btn right" onClick=${onClose}>Cancel</button><${Button} class="primary" onClick=${go}>Raise and resume</${Button}>`}>
    <div class="dialog-body"><p style="margin-top:0">Spent ${money(incident.amountObserved)} of ${money(incident.amountLimit)}. The new budget must be above what is already spent.</p>
      <div class="field"><label for="raise-amount">New budget ($)</label><input id="raise-amount" class="input" type="number" min="0" autofocus value=${amount} onInput=${(e) => setAmount(e.target.value)} /></div></div>
  </${Dialog}>`;
}

function Budgets({ company, agents, overview }) {
  const [co, setCo] = useState(company.budgetMonthlyCents ? String(company.budgetMonthlyCents / 100) : "");
  const [edits, setEdits] = useState({});
  const [raise, setRaise] = useState(null);
  const [keep, setKeep] = useState(null);
  const saveCompany = async () => {
    await api.setCompanyBudget(company.id, Math.round((parseFloat(co) || 0) * 100));
    invalidate("companies", "costs", "dashboard", "badges");
    toast({ message: "Company budget saved" });
  };
  const saveAgent = async (a) => {
    await api.setAgentBudget(a.id, Math.round((parseFloat(edits[a.id]) || 0) * 100));
    setEdits((e) => { const n = { ...e }; delete n[a.id]; return n; });
    invalidate("agents", "agent", "costs");
    toast({ message: `Budget saved for ${a.name}` });
  };
  const incidents = (overview && overview.activeIncidents) || [];
  const live = agents.filter((a) => a.status !== "terminated");
  return html`<section class="section" aria-labelledby="budgets-h"><h2 id="budgets-h">Budgets</h2>
    ${incidents.length ? html`<div class="card incidents" role="region" aria-label="Budget incidents">${incidents.map((i) => html`<div class="list-row" style="cursor:default;height:auto;padding:8px 12px" data-incident=${i.id}>
      <span class=${"badge " + (i.thresholdType === "hard" ? "red" : "amber")}>${i.thresholdType === "hard" ? "Hard stop" : "Warning"}</span>
      <span class="grow"><strong>${i.scopeName || i.scopeType}</strong> <span class="muted small">${i.scopeType} · ${money(i.amountObserved)} of ${money(i.amountLimit)} · since ${absTime(i.createdAt)}</span></span>
      <button class="btn sm primary" onClick=${() => setRaise(i)}>Raise budget and resume</button>
      <button class="btn sm" onClick=${() => setKeep(i)}>Keep paused</button></div>`)}</div>` : null}
    <div class="card card-pad" style="margin-top:10px">
      <div class="row wrap"><label for="company-budget"><strong>Company monthly budget</strong></label>
        <span class="row"><span class="muted">$</span><input id="company-budget" class="input" type="number" min="0" style="width:120px" placeholder="None" value=${co} onInput=${(e) => setCo(e.target.value)} /></span>
        <${Button} class="sm primary" onClick=${saveCompany}>Save</${Button}><span class="muted small">0 or empty: no budget. Warnings at 80 %; spend stops at 100 %.</span></div>
    </div>
    <table class="table stack" style="margin-top:10px" aria-label="Agent budgets"><thead><tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Month spend</th><th scope="col">Monthly budget</th><th scope="col">Used</th></tr></thead>
      <tbody>${live.map((a) => {
        const used = a.budgetMonthlyCents ? (a.spentMonthlyCents / a.budgetMonthlyCents) * 100 : null;
        const dirty = edits[a.id] !== undefined;
        return html`<tr data-agent=${a.name}><td class="primary"><${Link} href=${`/${company.issuePrefix}/agents/${a.urlKey || a.id}/budget`}>${a.name}</${Link}></td>
          <td><${AgentStatus} status=${a.status} /></td><td>${money(a.spentMonthlyCents)}</td>
          <td><span class="row"><span class="muted">$</span><input class="input" type="number" min="0" style="width:100px;height:28px" aria-label=${"Monthly budget for " + a.name}
            value=${dirty ? edits[a.id] : a.budgetMonthlyCents ? a.budgetMonthlyCents / 100 : ""} placeholder="None" onInput=${(e) => setEdits({ ...edits, [a.id]: e.target.value })}
            onKeyDown=${(e) => e.key === "Enter" && dirty && saveAgent(a)} />${dirty ? html`<${Button} class="sm primary" onClick=${() => saveAgent(a)}>Save</${Button}>` : null}</span></td>
          <td>${used == null ? html`<span class="muted">—</span>` : html`<span class=${"badge " + band(used)}>${pct(used)}</span>`}</td></tr>`;
      })}</tbody></table>
    ${raise ? html`<${RaiseDialog} incident=${raise} cid=${company.id} onClose=${() => setRaise(null)} />` : null}
    ${keep ? html`<${Confirm} title=${"Keep " + (keep.scopeName || keep.scopeType) + " paused"} message="The incident is dismissed and the override request rejected; the scope stays paused until its budget changes."
      confirmLabel="Keep paused" onConfirm=${async () => { await api.resolveIncident(company.id, keep.id, { action: "keep_paused" }); invalidate("costs", "approvals", "badges"); }} onClose=${() => setKeep(null)} />` : null}
  </section>`;
}

export function CostsPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const cid = company.id;
  const range = query.get("range") || "mtd";
  const rp = rangeParams(query);
  const key = (k) => ["costs", cid, k, rp.from || "", rp.to || ""];
  const summary = useQuery(key("summary"), () => api.costReport(cid, "summary", rp));
  const byAgent = useQuery(key("by-agent"), () => api.costReport(cid, "by-agent", rp));
  const byProject = useQuery(key("by-project"), () => api.costReport(cid, "by-project", rp));
  const byProvider = useQuery(key("by-provider"), () => api.costReport(cid, "by-provider", rp));
  const byDay = useQuery(key("by-day"), () => api.costReport(cid, "by-day", rp));
  const overview = useQuery(["costs", cid, "budgets"], () => api.budgetOverview(cid));
  const agents = shell.agents;
  const util = company.budgetMonthlyCents ? (company.spentMonthlyCents / company.budgetMonthlyCents) * 100 : null;
  const agentRows = byAgent.data || [];
  const tok = agentRows.reduce((a, r) => ({ i: a.i + r.inputTokens, c: a.c + r.cachedInputTokens, o: a.o + r.outputTokens, runs: a.runs + r.apiRunCount + r.subscriptionRunCount }), { i: 0, c: 0, o: 0, runs: 0 });
  return html`<${Page} title="Costs">
    <div class="toolbar" role="group" aria-label="Date range">
      <div class="toolbar-scroll">${PRESETS.map(([k, label]) => html`<button type="button" class="chip" aria-pressed=${range === k ? "true" : "false"} onClick=${() => setQuery({ range: k === "mtd" ? null : k, from: null, to: null })}>${label}</button>`)}</div>
      ${range === "custom" ? html`<span class="row"><input class="input" type="date" aria-label="From" style="width:auto;height:28px" value=${query.get("from") || ""} onChange=${(e) => setQuery({ from: e.target.value })} />
        <span class="muted">→</span><input class="input" type="date" aria-label="To" style="width:auto;height:28px" value=${query.get("to") || ""} onChange=${(e) => setQuery({ to: e.target.value })} /></span>` : null}
    </div>
    ${util != null && util >= 80 ? html`<div class="banner warn" role="alert"><strong>${pct(util)} of the monthly budget is spent.</strong>
      <span class="dim">${util >= 100 ? "New work is stopped until the budget is raised." : "Spend stops when it reaches 100 %."}</span></div>` : null}
    <div class="metrics">
      <div class="card metric"><div class="num" data-metric="spend">${summary.data ? money(summary.data.spendCents) : "—"}</div><div class="lbl">Spend in range</div><div class="sub">${PRESETS.find(([k]) => k === range)[1]}</div></div>
      <div class="card metric"><div class="num">${util == null ? "—" : html`<span class=${"util " + band(util)}>${pct(util)}</span>`}</div><div class="lbl">Budget utilisation</div>
        <div class="sub">${company.budgetMonthlyCents ? `${money(company.spentMonthlyCents)} of ${money(company.budgetMonthlyCents)} this month` : "No monthly budget"}</div>
        ${util != null ? html`<div class="meter" role="img" aria-label=${pct(util) + " used"}><span class=${band(util)} style=${`width:${Math.min(100, util)}%`} /></div>` : null}</div>
      <div class="card metric"><div class="num">${(tok.i + tok.c + tok.o).toLocaleString()}</div><div class="lbl">Tokens</div><div class="sub">${tok.i.toLocaleString()} in · ${tok.c.toLocaleString()} cached · ${tok.o.toLocaleString()} out</div></div>
      <div class="card metric"><div class="num">${tok.runs}</div><div class="lbl">Runs with cost</div><div class="sub">API and subscription</div></div>
    </div>
    <div class="section"><${Query} q=${byDay} lines=${3}>${(days) => html`<${DayChart} days=${days} agents=${agents} />`}</${Query}></div>
    <div class="section two-col">
      <${Query} q=${byAgent}>${(rows) => html`<${Figure} title="By agent" empty=${!rows.length}
        chart=${html`<${Bars} label="Spend by agent" rows=${rows.map((r) => ({ label: r.agentName || "Agent", value: r.costCents }))} />`}
        table=${html`<table class="table small"><caption class="sr-only">Spend by agent</caption><thead><tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Cost</th><th scope="col">Tokens in / cached / out</th><th scope="col">API runs</th><th scope="col">Subscription runs</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr><td>${r.agentName}</td><td><${AgentStatus} status=${r.agentStatus} /></td><td>${money(r.costCents)}</td><td class="mono">${tokens(r)}</td><td>${r.apiRunCount}</td><td>${r.subscriptionRunCount}</td></tr>`)}</tbody></table>`} />`}</${Query}>
      <${Query} q=${byProject}>${(rows) => html`<${Figure} title="By project" empty=${!rows.length}
        chart=${html`<${Bars} label="Spend by project" rows=${rows.map((r) => ({ label: r.projectName || "No project", value: r.costCents, color: "var(--green)" }))} />`}
        table=${html`<table class="table small"><caption class="sr-only">Spend by project</caption><thead><tr><th scope="col">Project</th><th scope="col">Cost</th><th scope="col">Tokens in / cached / out</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr><td>${r.projectName || "No project"}</td><td>${money(r.costCents)}</td><td class="mono">${tokens(r)}</td></tr>`)}</tbody></table>`} />`}</${Query}>
    </div>
    <div class="section"><${Query} q=${byProvider}>${(rows) => html`<${Figure} title="By provider and model" empty=${!rows.length}
      chart=${html`<${Bars} label="Spend by model" rows=${rows.map((r) => ({ label: `${r.provider} · ${r.model}`, value: r.costCents, color: "var(--violet)" }))} />`}
      table=${html`<table class="table small"><caption class="sr-only">Spend by provider and model</caption><thead><tr><th scope="col">Provider</th><th scope="col">Biller</th><th scope="col">Billing</th><th scope="col">Model</th><th scope="col">Cost</th><th scope="col">Tokens in / cached / out</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr><td>${r.provider}</td><td>${r.biller}</td><td>${String(r.billingType).replace(/_/g, " ")}</td><td class="mono">${r.model}</td><td>${money(r.costCents)}</td><td class="mono">${tokens(r)}</td></tr>`)}</tbody></table>`} />`}</${Query}></div>
    <${Budgets} company=${company} agents=${agents} overview=${overview.data} />
    ${summary.error && summary.error.status === 404 ? html`<${Empty}>Costs are not available on this server yet.</${Empty}>` : null}
  </${Page}>`;
}
