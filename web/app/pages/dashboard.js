// Dashboard: live agents, metric cards, 14-day charts (hand-drawn SVG with table
// alternatives), recent activity and issues. Works before the dashboard route exists:
// metrics then show "—" and charts fall back to the runs list.
import { html } from "../preact.js";
import { Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, useNow } from "../data.js";
import { Page, Query, Empty, Avatar, IssueStatus, RunBadge, useShell } from "../components/ui.js";
import { agentName } from "../components/pickers.js";
import { activitySentence } from "../activity-text.js";
import { RunChart, SuccessChart, StatusBar, runsByDay } from "../components/charts.js";
import { ago, duration, runDuration, money, isLiveRun } from "../format.js";

function Metric({ href, num, label, sub }) {
  return html`<${Link} class="card metric" href=${href}><div class="num">${num}</div><div class="lbl">${label}</div><div class="sub">${sub}</div></${Link}>`;
}

export function DashboardPage() {
  const shell = useShell();
  const company = shell.company;
  const cid = company.id;
  const p = "/" + company.issuePrefix;
  const now = useNow(1000);
  const dash = useQuery(["dashboard", cid], () => api.dashboard(cid).catch((e) => (e.status === 404 ? null : Promise.reject(e))));
  const live = useQuery(["liveRuns", cid, 4], () => api.liveRuns(cid, { minCount: 4 }));
  const activity = useQuery(["activity", cid, 10], () => api.listActivity(cid, { limit: 10 }));
  const issues = useQuery(["issues", cid, { recent: 10 }], () => api.listIssues(cid, { limit: 10, sortField: "updated" }));
  const allIssues = useQuery(["issues", cid, { counts: 1 }], () => api.listIssues(cid, {}));
  const runs = useQuery(dash.data === null ? ["runs", cid, { dash: 1 }] : null, () => api.listRuns(cid, { limit: 500 }));
  const d = dash.data;
  const agents = shell.agents;
  const counts = {};
  for (const i of allIssues.data || []) counts[i.status] = (counts[i.status] || 0) + 1;
  const days = d && d.runActivity ? d.runActivity : runsByDay(runs.data || []);
  const noAgents = shell.agentsLoaded && agents.filter((a) => a.status !== "terminated").length === 0;
  const ag = d ? d.agents : null;
  const fallbackAgents = { active: agents.filter((a) => a.status === "idle" || a.status === "active").length, running: agents.filter((a) => a.status === "running").length,
    paused: agents.filter((a) => a.status === "paused").length, error: agents.filter((a) => a.status === "error").length };
  const A = ag || (shell.agentsLoaded ? fallbackAgents : null);
  const T = d ? d.tasks : allIssues.data ? { inProgress: counts.in_progress || 0, open: (allIssues.data || []).filter((i) => i.status !== "done" && i.status !== "cancelled").length, blocked: counts.blocked || 0 } : null;
  return html`<${Page} title="Dashboard">
    ${noAgents ? html`<div class="banner"><strong>Hire your first agent</strong><span class="dim">Agents work the issues you create.</span>
      <${Link} class="btn primary sm right" href=${`/onboarding?company=${cid}&step=2`}>Hire an agent</${Link}></div>` : null}
    <section aria-labelledby="dash-agents"><h2 id="dash-agents">Agents</h2>
      <div style="margin-top:10px"><${Query} q=${live} lines=${2}>${(runs) => runs.length === 0 ? html`<${Empty} small>No runs yet.</${Empty}>` : html`<div class="agent-cards">
        ${runs.slice(0, 8).map((r) => html`<${Link} class="card agent-card" href=${`${p}/agents/${r.agentId}/runs/${r.id}`}>
          <div class="row"><${Avatar} name=${r.agentName || agentName(agents, r.agentId) || "?"} agent /><strong class="grow ellipsis">${r.agentName || agentName(agents, r.agentId)}</strong><${RunBadge} status=${r.status} /></div>
          <div class="muted small ellipsis">${r.issueId ? "Working on an issue" : "Heartbeat"}</div>
          <div class="muted small">${isLiveRun(r.status) ? "Running " + duration(runDuration(r, now)) : "Finished " + ago(r.finishedAt || r.createdAt, now)}</div>
        </${Link}>`)}</div>`}</${Query}></div>
      <div class="row" style="margin-top:6px"><${Link} class="link small right" href=${p + "/agents"}>View all runs</${Link}></div>
    </section>
    <section class="section" aria-label="Metrics"><div class="metrics">
      <${Metric} href=${p + "/agents/active"} num=${A ? A.active + A.running : "—"} label="Agents enabled" sub=${A ? `${A.running} running, ${A.paused} paused, ${A.error} errors` : "—"} />
      <${Metric} href=${p + "/issues?status=in_progress"} num=${T ? T.inProgress : "—"} label="Tasks in progress" sub=${T ? `${T.open} open, ${T.blocked} blocked` : "—"} />
      <${Metric} href=${p + "/costs"} num=${d ? money(d.costs.monthSpendCents) : money(company.spentMonthlyCents)} label="Month spend"
        sub=${(d ? d.costs.monthBudgetCents : company.budgetMonthlyCents) ? `${d ? Math.round(d.costs.monthUtilizationPercent) : Math.round((company.spentMonthlyCents / company.budgetMonthlyCents) * 100)}% of ${money(d ? d.costs.monthBudgetCents : company.budgetMonthlyCents)}` : "no budget"} />
      <${Metric} href=${p + "/approvals"} num=${d ? d.pendingApprovals : "—"} label="Pending approvals" sub="awaiting board review" />
    </div></section>
    <section class="section charts" aria-label="Charts">
      <div class="card chart-card"><h3>Run activity</h3><div class="muted">Last 14 days</div><${RunChart} days=${days} /></div>
      <div class="card chart-card"><h3>Issues by status</h3><div class="muted">Now</div><${StatusBar} counts=${counts} /></div>
      <div class="card chart-card"><h3>Success rate</h3><div class="muted">Last 14 days</div><${SuccessChart} days=${days} /></div>
    </section>
    <div class="section two-col">
      <section aria-labelledby="dash-activity"><h2 id="dash-activity">Recent activity</h2>
        <${Query} q=${activity}>${(rows) => rows.length === 0 ? html`<div class="card"><${Empty} small>No activity yet.</${Empty}></div>` : html`<div class="card">
          ${rows.map((a) => html`<div class="feed-row"><${Avatar} name=${a.actorType === "agent" ? agentName(agents, a.actorId) || "AG" : a.actorType === "system" ? "SY" : "BO"} agent=${a.actorType === "agent"} />
            <span class="grow">${activitySentence(a, agents)}</span><span class="muted small nowrap">${ago(a.createdAt, now)}</span></div>`)}</div>`}</${Query}>
      </section>
      <section aria-labelledby="dash-issues"><h2 id="dash-issues">Recent issues</h2>
        <${Query} q=${issues}>${(rows) => rows.length === 0 ? html`<div class="card"><${Empty} small action=${html`<button class="btn sm" onClick=${() => shell.openNewIssue({})}>New issue</button>`}>No issues yet.</${Empty}></div>` : html`<div class="card">
          ${rows.map((i) => html`<${Link} class="list-row" href=${`${p}/issues/${i.identifier}`}><${IssueStatus} status=${i.status} /><span class="title">${i.title}</span>
            <span class="ident">${i.identifier}</span><span class="muted small nowrap">${ago(i.updatedAt, now)}</span></${Link}>`)}</div>`}</${Query}>
      </section>
    </div>
  </${Page}>`;
}
