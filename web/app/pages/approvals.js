// Approvals: the board's decision queue. `pending` holds pending and revision-requested
// approvals; `all` adds status and type filters. Cards carry the type, a title, the
// requester, age, status and linked issues, with the decision buttons inline.
import { html, useState } from "../preact.js";
import { Link, navigate, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Query, Empty, Tabs, Pill, Avatar, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { agentName } from "../components/pickers.js";
import { DecisionDialog } from "./approval.js";
import { approvalStatus, approvalType, ago, absTime } from "../format.js";

const OPEN = ["pending", "revision_requested"];
const STATUSES = ["pending", "revision_requested", "approved", "rejected", "cancelled"];
const TYPES = ["hire_agent", "approve_ceo_strategy", "request_board_approval", "budget_override_required"];

/** approvalTitle names an approval from its payload: hires by the proposed agent. */
export function approvalTitle(a) {
  const p = a.payload || {};
  if (a.type === "hire_agent") return `Hire ${p.name || "an agent"}${p.title ? " — " + p.title : ""}`;
  if (a.type === "budget_override_required") return `Budget override for ${p.scopeName || p.scopeType || "a scope"}`;
  return p.title || approvalType(a.type);
}

/** approvalSummary is one line of context under the title. */
export function approvalSummary(a) {
  const p = a.payload || {};
  const text = p.summary || p.description || p.capabilities || p.plan || "";
  return String(text).replace(/[#*_`>\[\]]/g, "").split("\n").find((l) => l.trim()) || "";
}

/** Requester renders who asked: an agent (linked) or the board. */
export function Requester({ a, agents, prefix }) {
  const name = a.requestedByAgentId ? agentName(agents, a.requestedByAgentId) || "An agent" : "Board";
  return html`<span class="row nowrap" style="gap:6px"><${Avatar} name=${name} agent=${!!a.requestedByAgentId} />
    ${a.requestedByAgentId ? html`<${Link} class="link" href=${`${prefix}/agents/${a.requestedByAgentId}`}>${name}</${Link}>` : name}</span>`;
}

function LinkedChips({ id, prefix }) {
  const q = useQuery(["approvalIssues", id], () => api.approvalIssues(id));
  const rows = q.data || [];
  if (!rows.length) return null;
  return html`<span class="row wrap" style="gap:4px">${rows.slice(0, 4).map((i) => html`<${Link} class="chip issue-chip" href=${`${prefix}/issues/${i.identifier}`} title=${i.title}>${i.identifier}</${Link}>`)}</span>`;
}

function ApprovalCard({ a, agents, prefix, onDecide }) {
  const href = `${prefix}/approvals/${a.id}`;
  const open = OPEN.includes(a.status);
  return html`<article class="card approval-card" data-approval=${a.id} onClick=${(e) => { if (!e.target.closest("a, button")) navigate(href); }}>
    <div class="row" style="align-items:flex-start">
      <span class="approval-icon" aria-hidden="true"><${Icon} name=${a.type === "hire_agent" ? "user" : a.type === "budget_override_required" ? "costs" : "approvals"} size=${16} /></span>
      <div class="grow">
        <div class="row wrap" style="gap:6px"><span class="type-label">${approvalType(a.type)}</span><${LinkedChips} id=${a.id} prefix=${prefix} /></div>
        <h3 class="approval-title"><${Link} href=${href}>${approvalTitle(a)}</${Link}></h3>
        ${approvalSummary(a) ? html`<div class="muted small ellipsis">${approvalSummary(a)}</div>` : null}
        <div class="row muted small wrap" style="margin-top:6px"><${Requester} a=${a} agents=${agents} prefix=${prefix} /><span>·</span>
          <span title=${absTime(a.createdAt)}>${ago(a.createdAt)}</span></div>
      </div>
      <${Pill} value=${approvalStatus(a.status)} />
    </div>
    ${open ? html`<div class="row approval-actions">
      <button class="btn sm approve" onClick=${() => onDecide(a, "approve")}><${Icon} name="check" size=${14} />Approve</button>
      <button class="btn sm danger" onClick=${() => onDecide(a, "reject")}>Reject</button>
      <${Link} class="btn sm ghost right" href=${href}>View details</${Link}></div>` : null}
  </article>`;
}

export function ApprovalsPage({ params, query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const tab = params.tab === "all" ? "all" : "pending";
  const status = query.get("status") || "";
  const type = query.get("type") || "";
  const q = useQuery(["approvals", company.id, "list"], () => api.listApprovals(company.id, { limit: 1000 }));
  const [decide, setDecide] = useState(null);
  const all = q.data || [];
  const pending = all.filter((a) => OPEN.includes(a.status));
  const rows = tab === "pending" ? pending : all.filter((a) => (!status || a.status === status) && (!type || a.type === type));
  return html`<${Page} title="Approvals">
    <${Tabs} label="Approvals" current=${tab} tabs=${[{ key: "pending", label: "Pending", href: prefix + "/approvals/pending", count: q.data ? pending.length : null },
      { key: "all", label: "All", href: prefix + "/approvals/all" }]} />
    ${tab === "all" ? html`<div class="toolbar">
      <label class="small muted" for="ap-status">Status</label>
      <select id="ap-status" class="select" style="width:170px" value=${status} onChange=${(e) => setQuery({ status: e.target.value })}>
        <option value="">Any</option>${STATUSES.map((s) => html`<option value=${s}>${approvalStatus(s)[0]}</option>`)}</select>
      <label class="small muted" for="ap-type">Type</label>
      <select id="ap-type" class="select" style="width:170px" value=${type} onChange=${(e) => setQuery({ type: e.target.value })}>
        <option value="">Any</option>${TYPES.map((t) => html`<option value=${t}>${approvalType(t)}</option>`)}</select></div>` : null}
    <${Query} q=${q}>${() => rows.length === 0
      ? html`<${Empty}>${tab === "pending" ? "Nothing waiting for the board." : "No approvals match."}</${Empty}>`
      : html`<div class="col" style="gap:10px">${rows.map((a) => html`<${ApprovalCard} key=${a.id} a=${a} agents=${shell.agents} prefix=${prefix} onDecide=${(ap, d) => setDecide({ ap, d })} />`)}</div>`}</${Query}>
    ${decide ? html`<${DecisionDialog} approval=${decide.ap} decision=${decide.d} onClose=${() => setDecide(null)} />` : null}
  </${Page}>`;
}
