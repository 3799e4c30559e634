// Goals, projects, approvals and costs: simple views over their list routes, built to
// the spec shapes. Until a server has the route (404), the page says so plainly.
import { html } from "../preact.js";
import { Link } from "../router.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Query, Empty, Tabs, useShell } from "../components/ui.js";
import { ago, money } from "../format.js";

const PAGES = {
  goals: { title: "Goals", load: (cid) => api.listGoals(cid), empty: "No goals yet.",
    row: (g) => [g.title, g.level, g.status] },
  projects: { title: "Projects", load: (cid) => api.listProjects(cid), empty: "No projects yet.",
    row: (p) => [p.name, p.status, p.targetDate || "—"] },
  approvals: { title: "Approvals", load: (cid, tab) => api.listApprovals(cid, tab === "all" ? {} : { status: "pending" }), empty: "Nothing waiting for the board.",
    row: (a) => [a.title || a.type, a.type, a.status, ago(a.createdAt)] },
  costs: { title: "Costs", load: (cid) => api.costSummary(cid), empty: "No costs recorded for this period." },
};

const missing = (e) => (e && e.status === 404 ? "missing" : Promise.reject(e));

export function PendingApiPage({ section, params }) {
  const shell = useShell();
  const company = shell.company;
  const def = PAGES[section];
  const tab = params.tab === "all" ? "all" : "pending";
  const q = useQuery([section, company.id, section === "approvals" ? tab : null], () => def.load(company.id, tab).catch(missing));
  const p = "/" + company.issuePrefix;
  return html`<${Page} title=${def.title}>
    ${section === "approvals" ? html`<${Tabs} label="Approvals" current=${tab} tabs=${[{ key: "pending", label: "Pending", href: p + "/approvals/pending" }, { key: "all", label: "All", href: p + "/approvals/all" }]} />` : null}
    <${Query} q=${q}>${(data) => {
      if (data === "missing") return html`<${Empty}>${def.title} are not available on this server yet.</${Empty}>`;
      if (section === "costs") {
        const d = data || {};
        return html`<div class="metrics">
          <div class="card metric"><div class="num">${money(d.spendCents ?? d.totalCostCents ?? 0)}</div><div class="lbl">Spend this month</div></div>
          <div class="card metric"><div class="num">${money(company.budgetMonthlyCents)}</div><div class="lbl">Monthly budget</div></div></div>`;
      }
      const rows = Array.isArray(data) ? data : [];
      if (!rows.length) return html`<${Empty}>${def.empty}</${Empty}>`;
      return html`<div class="card">${rows.map((r) => html`<div class="list-row">${def.row(r).map((v, i) => html`<span class=${i === 0 ? "title" : "muted small"}>${v}</span>`)}</div>`)}</div>`;
    }}</${Query}>
    ${section === "costs" ? html`<p class="muted small section">Charts and budgets arrive with the costs API. <${Link} class="link" href=${p + "/dashboard"}>Dashboard</${Link}></p>` : null}
  </${Page}>`;
}
