// Inbox: what needs the board's attention — approvals, agents in error or with a failed
// latest run, budget alerts, and the board's own open issues; unread comments; all.
import { html, useMemo, useState } from "../preact.js";
import { navigate, Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Tabs, Empty, Button, IssueStatus, RunBadge, useShell, Loading } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { useListNav, useKeys } from "../keys.js";
import { toast } from "../components/toasts.js";
import { ago, money, shortId } from "../format.js";

const ACTIVE = ["todo", "in_progress", "in_review", "blocked"];
const CATS = [["approval", "Approvals"], ["failed", "Failed runs"], ["error", "Errors"], ["budget", "Budget"], ["issue", "Issues"]];

function latestRunByAgent(runs) {
  const m = new Map();
  for (const r of runs || []) if (!m.has(r.agentId)) m.set(r.agentId, r); // newest first
  return m;
}

export function InboxPage({ params }) {
  const shell = useShell();
  const company = shell.company;
  const cid = company.id;
  const p = "/" + company.issuePrefix;
  const tab = ["mine", "unread", "all"].includes(params.tab) ? params.tab : "mine";
  const [cat, setCat] = useState("");
  const approvals = useQuery(["approvals", cid, "pending"], () => api.listApprovals(cid, { status: "pending" }).catch((e) => (e.status === 404 ? [] : Promise.reject(e))));
  const runs = useQuery(["runs", cid, { inbox: 1 }], () => api.listRuns(cid, { limit: 200 }));
  const mine = useQuery(["inbox", cid, "mine"], () => api.listIssues(cid, { touchedByUserId: "me", status: ACTIVE }));
  const unread = useQuery(["inbox", cid, "unread"], () => api.listIssues(cid, { unreadForUserId: "me" }));
  const everyone = useQuery(tab === "all" ? ["inbox", cid, "all"] : null, () => api.listIssues(cid, { status: ACTIVE }));
  const agents = shell.agents.filter((a) => a.status !== "terminated");
  const items = useMemo(() => {
    const out = [];
    if (tab !== "unread") {
      for (const a of approvals.data || []) out.push({ cat: "approval", key: "ap:" + a.id, href: `${p}/approvals/${a.id}`, title: a.title || a.type || "Approval", meta: "Approval · " + ago(a.createdAt) });
      for (const a of agents.filter((x) => x.status === "error")) out.push({ cat: "error", key: "er:" + a.id, agent: a, href: `${p}/agents/${a.urlKey || a.id}`, title: `${a.name} is in error`, meta: a.errorReason || "" });
      for (const [agentId, r] of latestRunByAgent(runs.data)) {
        const a = agents.find((x) => x.id === agentId);
        if (a && (r.status === "failed" || r.status === "timed_out")) out.push({ cat: "failed", key: "run:" + r.id, agent: a, run: r, href: `${p}/agents/${a.urlKey || a.id}/runs/${r.id}`, title: `${a.name}'s last run ${r.status === "failed" ? "failed" : "timed out"}`, meta: (r.error || "") + " · " + ago(r.finishedAt || r.createdAt) });
      }
      if (company.budgetMonthlyCents > 0 && company.spentMonthlyCents / company.budgetMonthlyCents >= 0.8) {
        out.push({ cat: "budget", key: "bud:company", href: `${p}/costs`, title: `Company spend at ${Math.round((company.spentMonthlyCents / company.budgetMonthlyCents) * 100)}% of budget`, meta: `${money(company.spentMonthlyCents)} of ${money(company.budgetMonthlyCents)}` });
      }
      for (const a of agents) {
        if (a.budgetMonthlyCents > 0 && a.spentMonthlyCents / a.budgetMonthlyCents >= 0.8) out.push({ cat: "budget", key: "bud:" + a.id, href: `${p}/agents/${a.urlKey || a.id}/budget`, title: `${a.name} at ${Math.round((a.spentMonthlyCents / a.budgetMonthlyCents) * 100)}% of budget`, meta: money(a.spentMonthlyCents) });
      }
    }
    const issues = tab === "unread" ? unread.data : tab === "all" ? everyone.data : mine.data;
    for (const i of issues || []) out.push({ cat: "issue", key: "is:" + i.id, issue: i, href: `${p}/issues/${i.identifier}`, title: i.title, meta: `${i.identifier} · updated ${ago(i.updatedAt)}` });
    return tab === "all" && cat ? out.filter((x) => x.cat === cat) : out;
  }, [tab, cat, approvals.data, runs.data, mine.data, unread.data, everyone.data, shell.agents, company]);
  const [sel] = useListNav(items.length, (i) => navigate(items[i].href));
  const setRead = async (it, read) => {
    if (!it || !it.issue) return;
    try { await (read ? api.markRead(it.issue.id) : api.markUnread(it.issue.id)); invalidate("inbox", "badges"); } catch { /* toasted */ }
  };
  useKeys({ r: () => setRead(items[sel], true), u: () => setRead(items[sel], false) }, [sel, items]);
  const markAll = async () => {
    for (const i of unread.data || []) { try { await api.markRead(i.id); } catch { /* keep going */ } }
    invalidate("inbox", "badges");
    toast({ message: "All marked read" });
  };
  const loading = mine.loading || (tab === "unread" && unread.loading) || (tab === "all" && everyone.loading);
  const actions = tab === "unread" && (unread.data || []).length ? html`<${Button} class="sm" onClick=${markAll}>Mark all read</${Button}>` : null;
  return html`<${Page} title="Inbox" actions=${actions}>
    <${Tabs} label="Inbox" current=${tab} tabs=${[["mine", "Mine"], ["unread", "Unread"], ["all", "All"]].map(([k, l]) => ({ key: k, label: l, href: `${p}/inbox/${k}`, count: k === "unread" ? (unread.data || []).length : undefined }))} />
    ${tab === "all" ? html`<div class="toolbar" role="group" aria-label="Category">
      <button class="chip" aria-pressed=${cat === "" ? "true" : "false"} onClick=${() => setCat("")}>Everything</button>
      ${CATS.map(([k, l]) => html`<button class="chip" aria-pressed=${cat === k ? "true" : "false"} onClick=${() => setCat(k)}>${l}</button>`)}</div>` : null}
    ${loading && !items.length ? html`<${Loading} />` : items.length === 0 ? html`<${Empty}>You're all caught up.</${Empty}>` : html`<div class="card" role="list" aria-label="Inbox items">
      ${items.map((it, i) => html`<div class=${"list-row" + (i === sel ? " selected" : "")} role="listitem" data-row=${i} tabindex="-1" style="height:auto;min-height:44px;padding:6px 10px">
        <span aria-hidden="true">${it.issue ? html`<${IssueStatus} status=${it.issue.status} />` : it.run ? html`<${Icon} name="alert" />` : html`<${Icon} name=${it.cat === "approval" ? "approvals" : it.cat === "budget" ? "costs" : "bot"} />`}</span>
        <${Link} class="grow" href=${it.href} style="min-width:0"><div class="ellipsis">${it.title}${it.issue && it.issue.isUnreadForMe ? html` <span class="badge blue">Unread</span>` : null}</div>
          <div class="muted small ellipsis">${it.meta}</div></${Link}>
        ${it.cat === "error" ? html`<${Button} class="sm" onClick=${async () => { await api.agentAction(it.agent.id, "clear-error"); invalidate("agents", "badges"); }}>Clear error</${Button}>` : null}
        ${it.cat === "failed" ? html`<${Button} class="sm" onClick=${() => shell.runHeartbeat(it.agent)}>Run again</${Button}>` : null}
        ${it.cat === "approval" ? html`<${Link} class="btn sm" href=${it.href}>Review</${Link}>` : null}
        ${it.issue ? html`<button class="btn ghost sm" onClick=${() => setRead(it, !it.issue.isUnreadForMe)}>${it.issue.isUnreadForMe ? "Mark read" : "Mark unread"}</button>` : null}
      </div>`)}</div>`}
  </${Page}>`;
}

