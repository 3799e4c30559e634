// Approval detail: the request rendered by type (a hire shows the proposed agent and its
// redacted configuration; strategies and board requests show their markdown, sanitised),
// the decision and its consequences, a timeline, linked issues and the comment thread.
import { html, useState } from "../preact.js";
import { Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Pill, Prop, IssueStatus, Avatar, Button, useShell } from "../components/ui.js";
import { Dialog } from "../components/dialog.js";
import { Markdown } from "../components/markdown.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { approvalTitle, Requester } from "./approvals.js";
import { approvalStatus, approvalType, adapterLabel, roleLabel, money, ago, absTime } from "../format.js";

const OPEN = ["pending", "revision_requested"];
const DECISIONS = {
  approve: { label: "Approve", done: "Approved", cls: "primary" },
  reject: { label: "Reject", done: "Rejected", cls: "danger solid" },
  "request-revision": { label: "Request revision", done: "Revision requested", cls: "primary" },
};

/** DecisionDialog confirms approve / reject / request revision with an optional note. */
export function DecisionDialog({ approval, decision, onClose }) {
  const d = DECISIONS[decision];
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const go = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api.decideApproval(approval.id, decision, note.trim());
      invalidate("approvals", "approval", "approvalActivity", "badges", "agents", "inbox", "dashboard");
      toast({ message: `${d.done}: ${approvalTitle(approval)}` });
      onClose(true);
    } catch { setBusy(false); }
  };
  return html`<${Dialog} title=${`${d.label} — ${approvalTitle(approval)}`} onClose=${() => onClose(false)} footer=${html`
      <span class="muted small right hide-sm"><span class="kbd">Ctrl</span> <span class="kbd">Enter</span> confirm</span>
      <button class="btn" onClick=${() => onClose(false)}>Cancel</button>
      <button class=${"btn " + d.cls} disabled=${busy} onClick=${go} data-confirm=${decision}>${busy ? html`<span class="spinner" />` : null}${d.label}</button>`}>
    <div class="dialog-body" onKeyDown=${(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); go(); } }}>
      ${decision === "reject" && approval.type === "hire_agent" ? html`<p class="small" style="margin-top:0">The proposed agent will be terminated.</p>` : null}
      <div class="field"><label for="decision-note">Decision note <span class="muted">(optional)</span></label>
        <textarea id="decision-note" class="textarea" rows="3" autofocus placeholder=${decision === "request-revision" ? "What should change?" : "Why?"}
          value=${note} onInput=${(e) => setNote(e.target.value)} /></div>
    </div>
  </${Dialog}>`;
}

function show(v) {
  if (v == null || v === "") return html`<span class="muted">—</span>`;
  if (typeof v === "object") {
    if (v.type === "secret_ref") return html`<span class="badge">secret ref</span>`;
    if (v.type === "plain") return html`<span class="mono small">${v.value}</span>`;
    return html`<code class="small">${JSON.stringify(v)}</code>`;
  }
  return html`<span class="mono small">${String(v)}</span>`;
}

function ConfigTable({ cfg, label }) {
  const entries = Object.entries(cfg || {}).filter(([k]) => k !== "env");
  const env = Object.entries((cfg && cfg.env) || {});
  if (!entries.length && !env.length) return html`<p class="muted small">No ${label.toLowerCase()}.</p>`;
  return html`<table class="table kv" aria-label=${label}><tbody>
    ${entries.map(([k, v]) => html`<tr><th scope="row" class="mono">${k}</th><td>${show(v)}</td></tr>`)}
    ${env.map(([k, v]) => html`<tr><th scope="row" class="mono">env.${k}</th><td>${show(v)}</td></tr>`)}
  </tbody></table>`;
}

function HirePayload({ p, agents, prefix }) {
  const hb = (p.runtimeConfig && p.runtimeConfig.heartbeat) || null;
  return html`<div>
    <div class="props-grid">
      <${Prop} k="Name"><strong>${p.name || "—"}</strong></${Prop}>
      <${Prop} k="Role">${roleLabel(p.role) || "—"}</${Prop}>
      <${Prop} k="Title">${p.title || html`<span class="muted">—</span>`}</${Prop}>
      <${Prop} k="Reports to">${p.reportsTo ? html`<${Link} class="link" href=${`${prefix}/agents/${p.reportsTo}`}>${agentName(agents, p.reportsTo) || "An agent"}</${Link}>` : html`<span class="muted">Nobody (top level)</span>`}</${Prop}>
      <${Prop} k="Adapter">${adapterLabel(p.adapterType) || "—"}</${Prop}>
      <${Prop} k="Budget">${p.budgetMonthlyCents ? money(p.budgetMonthlyCents) + " / month" : html`<span class="muted">No budget</span>`}</${Prop}>
      ${hb ? html`<${Prop} k="Heartbeat">${hb.enabled ? `Timer every ${Math.round((hb.intervalSec || 0) / 60)} min` : "Timer off"}${hb.wakeOnDemand === false ? "" : ", wakes on demand"}</${Prop}>` : null}
      ${p.requestedByAgentId ? html`<${Prop} k="Requested by">${agentName(agents, p.requestedByAgentId) || "An agent"}</${Prop}>` : null}
    </div>
    ${p.capabilities ? html`<h3 class="sub-h">Capabilities</h3><${Markdown} source=${String(p.capabilities)} />` : null}
    <h3 class="sub-h">Adapter configuration</h3><${ConfigTable} cfg=${p.adapterConfig} label="Adapter configuration" />
  </div>`;
}

function TextPayload({ p }) {
  const body = p.plan || p.description || p.summary;
  const options = Array.isArray(p.options) ? p.options : null;
  return html`<div>
    ${p.title ? html`<h2 class="payload-title">${String(p.title)}</h2>` : null}
    ${p.summary && p.plan ? html`<div class="md-summary"><${Markdown} source=${String(p.summary)} /></div>` : null}
    ${body ? html`<${Markdown} source=${String(body)} />` : html`<p class="muted">No text in this request.</p>`}
    ${options ? html`<h3 class="sub-h">Options</h3><ol class="options">${options.map((o) => html`<li>${typeof o === "object" && o ? html`<strong>${o.title || o.label || o.name || ""}</strong>${o.description ? html` — ${o.description}` : null}` : String(o)}</li>`)}</ol>` : null}
  </div>`;
}

function BudgetPayload({ p, prefix }) {
  return html`<div class="props-grid">
    <${Prop} k="Scope">${p.scopeType || "—"}${p.scopeName ? ": " + p.scopeName : ""}</${Prop}>
    <${Prop} k="Limit">${money(p.amountLimit)}</${Prop}>
    <${Prop} k="Observed"><strong style="color:var(--red)">${money(p.amountObserved)}</strong></${Prop}>
    <${Prop} k="Window">${p.windowKind || "—"}${p.windowStart ? ` · ${absTime(p.windowStart)} → ${absTime(p.windowEnd)}` : ""}</${Prop}>
    <${Prop} k="Costs"><${Link} class="link" href=${prefix + "/costs"}>Open Costs</${Link}></${Prop}>
  </div>`;
}

function Comments({ approval, agents }) {
  const q = useQuery(["approvalComments", approval.id], () => api.approvalComments(approval.id));
  const [body, setBody] = useState("");
  const send = async () => {
    if (!body.trim()) return;
    await api.addApprovalComment(approval.id, body.trim());
    setBody("");
    invalidate("approvalComments", "approvalActivity");
  };
  return html`<section class="section" aria-labelledby="ap-comments"><h2 id="ap-comments">Comments</h2>
    <${Query} q=${q}>${(rows) => rows.length === 0 ? html`<p class="muted">No comments yet.</p>` : rows.map((c) => {
      const who = c.authorAgentId ? agentName(agents, c.authorAgentId) || "Agent" : "Board";
      return html`<article class="comment"><${Avatar} name=${who} agent=${!!c.authorAgentId} /><div class="comment-body">
        <div class="comment-meta"><strong>${who}</strong><span class="muted" title=${absTime(c.createdAt)}>${ago(c.createdAt)}</span></div>
        <${Markdown} source=${c.body} /></div></article>`;
    })}</${Query}>
    <div class="composer"><${Editor} id="approval-comment" value=${body} onInput=${setBody} onSubmit=${send} label="Comment" placeholder="Leave a comment…" rows=${3} />
      <div class="row" style="margin-top:8px"><span class="muted small right hide-sm"><span class="kbd">Ctrl</span> <span class="kbd">Enter</span></span>
        <${Button} class="primary sm" disabled=${!body.trim()} onClick=${send}>Comment</${Button}></div></div>
  </section>`;
}

function Timeline({ approval, agents }) {
  const q = useQuery(["approvalActivity", approval.id], () => api.listActivity(approval.companyId, { entityType: "approval", entityId: approval.id, limit: 50 }));
  const rows = [...(q.data || [])].reverse().filter((r) => r.action !== "approval.comment_added");
  if (!rows.length) return null;
  const words = { "approval.created": "requested", "approval.approved": "approved", "approval.rejected": "rejected", "approval.revision_requested": "requested a revision",
    "approval.resubmitted": "resubmitted", "approval.requester_wakeup_queued": "woke the requester", "approval.requester_wakeup_failed": "could not wake the requester" };
  return html`<section class="section" aria-labelledby="ap-timeline"><h2 id="ap-timeline">Timeline</h2>
    <ol class="timeline">${rows.map((r) => {
      const who = r.actorType === "agent" ? agentName(agents, r.actorId) || "Agent" : r.actorType === "system" ? "System" : "Board";
      return html`<li data-action=${r.action}>${r.action === "approval.resubmitted" ? html`<span class="badge blue">Resubmitted</span>` : null}
        <span><strong>${who}</strong> ${words[r.action] || r.action}</span><span class="muted small" title=${absTime(r.createdAt)}>${ago(r.createdAt)}</span></li>`;
    })}</ol></section>`;
}

export function ApprovalPage({ params }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const q = useQuery(["approval", params.tab], () => api.getApproval(params.tab));
  const issues = useQuery(["approvalIssues", params.tab], () => api.approvalIssues(params.tab));
  const [decide, setDecide] = useState(null);
  const [raw, setRaw] = useState(false);
  const crumbs = [{ href: prefix + "/approvals", label: "Approvals" }];
  if (q.error && q.error.status === 404) return html`<${Page} title="Approval not found" crumbs=${crumbs}><p>This approval does not exist in ${company.name}.</p></${Page}>`;
  const a = q.data;
  return html`<${Page} title=${a ? approvalTitle(a) : "Approval"} crumbs=${crumbs} h1=${false} width="narrow">
    <${Query} q=${q}>${(a) => {
      const p = a.payload || {};
      const requesterName = a.requestedByAgentId ? agentName(shell.agents, a.requestedByAgentId) || "The requesting agent" : null;
      return html`
      <div class="card card-pad approval-head">
        <div class="row" style="align-items:flex-start"><div class="grow">
          <span class="type-label">${approvalType(a.type)}</span>
          <h1 class="issue-title" style="cursor:default">${approvalTitle(a)}</h1>
          <div class="row muted small wrap" style="margin-top:4px"><${Requester} a=${a} agents=${shell.agents} prefix=${prefix} /><span>·</span>
            <span title=${absTime(a.createdAt)}>requested ${ago(a.createdAt)}</span></div></div>
          <${Pill} value=${approvalStatus(a.status)} /></div>
        ${OPEN.includes(a.status) ? html`<div class="row approval-actions">
          <button class="btn approve" onClick=${() => setDecide("approve")}>Approve</button>
          <button class="btn danger" onClick=${() => setDecide("reject")}>Reject</button>
          ${a.status === "pending" ? html`<button class="btn" onClick=${() => setDecide("request-revision")}>Request revision</button>` : null}</div>` : null}
        ${a.decidedAt ? html`<div class="decision" role="status">
          <div><strong>${approvalStatus(a.status)[0]}</strong> by the board ${ago(a.decidedAt)} <span class="muted small">(${absTime(a.decidedAt)})</span></div>
          ${a.decisionNote ? html`<blockquote class="note">${a.decisionNote}</blockquote>` : null}
          ${a.status === "rejected" && a.type === "hire_agent" && p.agentId ? html`<div class="small">The proposed agent was terminated.</div>` : null}
          ${requesterName && a.status !== "cancelled" ? html`<div class="small muted">${requesterName} was woken to follow up.</div>` : null}
        </div>` : null}
      </div>
      <section class="section" aria-label="Request">
        ${a.type === "hire_agent" ? html`<${HirePayload} p=${p} agents=${shell.agents} prefix=${prefix} />`
          : a.type === "budget_override_required" ? html`<${BudgetPayload} p=${p} prefix=${prefix} />` : html`<${TextPayload} p=${p} />`}
        <button class="btn ghost sm" style="margin-top:10px" aria-expanded=${raw ? "true" : "false"} onClick=${() => setRaw(!raw)}>${raw ? "Hide full request" : "See full request"}</button>
        ${raw ? html`<pre class="json">${JSON.stringify(p, null, 2)}</pre>` : null}
      </section>
      <section class="section" aria-labelledby="ap-issues"><h2 id="ap-issues">Linked issues</h2>
        <${Query} q=${issues}>${(rows) => rows.length === 0 ? html`<p class="muted">No linked issues.</p>` : html`<div class="card">${rows.map((i) => html`<${Link} class="list-row" href=${`${prefix}/issues/${i.identifier}`}>
          <${IssueStatus} status=${i.status} /><span class="ident">${i.identifier}</span><span class="title">${i.title}</span></${Link}>`)}</div>`}</${Query}>
      </section>
      <${Timeline} approval=${a} agents=${shell.agents} />
      <${Comments} approval=${a} agents=${shell.agents} />
      ${decide ? html`<${DecisionDialog} approval=${a} decision=${decide} onClose=${() => setDecide(null)} />` : null}`;
    }}</${Query}>
  </${Page}>`;
}

