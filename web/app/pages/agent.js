// Agent detail: header with lifecycle actions, and tabs overview, runs, configuration
// (the agent form in edit mode, with revisions and roll back), keys (shown once), budget.
import { html, useEffect, useState } from "../preact.js";
import { navigate, Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { useDraft } from "../draft.js";
import { Page, Query, Tabs, AgentStatus, Button, Empty, Loading, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Dialog, Confirm, Picker, usePicker } from "../components/dialog.js";
import { toast } from "../components/toasts.js";
import { AgentForm, agentFormState, agentBody } from "../components/agent-form.js";
import { fieldErrors } from "./agent-new.js";
import { RunTable } from "./issue-tabs.js";
import { RunChart, runsByDay } from "../components/charts.js";
import { agentName } from "../components/pickers.js";
import { adapterLabel, roleLabel, ago, absTime, money, duration, plural } from "../format.js";

const TABS = [["overview", "Overview"], ["runs", "Runs"], ["configuration", "Configuration"], ["keys", "Keys"], ["budget", "Budget"]];

function Prop({ k, children }) {
  return html`<div class="prop"><span class="k">${k}</span><span class="v">${children}</span></div>`;
}

function Overview({ agent, runs, agents, prefix }) {
  const state = useQuery(["agentState", agent.id], () => api.runtimeState(agent.id).catch(() => null));
  const issues = useQuery(["issues", agent.companyId, { assigneeAgentId: agent.id }], () => api.listIssues(agent.companyId, { assigneeAgentId: agent.id, status: ["todo", "in_progress", "in_review", "blocked"] }));
  const hb = (agent.runtimeConfig && agent.runtimeConfig.heartbeat) || {};
  const chain = [];
  for (let m = agents.find((a) => a.id === agent.reportsTo); m && chain.length < 10; m = agents.find((a) => a.id === m.reportsTo)) chain.push(m);
  const setTimer = async (patch) => {
    try { await api.updateAgent(agent.id, { runtimeConfig: { ...(agent.runtimeConfig || {}), heartbeat: { ...hb, ...patch } } }); invalidate("agent", "agents"); } catch { /* toasted */ }
  };
  const st = state.data || {};
  return html`<div class="two-col">
    <div>
      <div class="card card-pad">
        <${Prop} k="Role">${roleLabel(agent.role)}</${Prop}>
        <${Prop} k="Adapter">${adapterLabel(agent.adapterType)}</${Prop}>
        <${Prop} k="Last heartbeat"><span title=${absTime(agent.lastHeartbeatAt)}>${ago(agent.lastHeartbeatAt)}</span></${Prop}>
        <${Prop} k="Timer"><label class="check"><input type="checkbox" checked=${!!hb.enabled} onChange=${(e) => setTimer({ enabled: e.target.checked })} />
          ${hb.enabled ? `every ${duration((hb.intervalSec || 3600) * 1000)}` : "off"}</label></${Prop}>
        <${Prop} k="On demand">${hb.wakeOnDemand === false ? "No" : "Wakes on assignment, comments, mentions"}</${Prop}>
        <${Prop} k="Idle checks skipped">${st.idleSkipCount || 0}${st.lastIdleSkipAt ? html`<span class="muted">, last ${ago(st.lastIdleSkipAt)}</span>` : null}</${Prop}>
        <${Prop} k="Month spend">${money(agent.spentMonthlyCents)}${agent.budgetMonthlyCents ? ` of ${money(agent.budgetMonthlyCents)}` : " · no budget"}</${Prop}>
        <${Prop} k="Chain of command">${chain.length ? chain.map((m, i) => html`${i ? " › " : ""}<${Link} class="link" href=${`/${prefix}/agents/${m.urlKey || m.id}`}>${m.name}</${Link}>`) : html`<span class="muted">Top level</span>`}</${Prop}>
      </div>
      <section class="section"><h2>Assigned open issues</h2>
        <${Query} q=${issues}>${(list) => list.length === 0 ? html`<${Empty} small>Nothing assigned.</${Empty}>` : html`<div class="card">${list.slice(0, 10).map((i) => html`
          <${Link} class="list-row" href=${`/${prefix}/issues/${i.identifier}`}><span class="ident">${i.identifier}</span><span class="title">${i.title}</span></${Link}>`)}</div>`}</${Query}>
      </section>
    </div>
    <div>
      <div class="card chart-card"><h3>Runs</h3><div class="muted">Last 14 days</div><${RunChart} days=${runsByDay(runs)} /></div>
      <section class="section"><h2>Last runs</h2><${RunTable} runs=${(runs || []).slice(0, 5)} agents=${agents} prefix=${prefix} showAgent=${false} /></section>
    </div>
  </div>`;
}

function Configuration({ agent, company, agents }) {
  const form = useDraft(agentFormState(agent), (f) => JSON.stringify(agentBody(f, agent)));
  const f = form.draft;
  const [errors, setErrors] = useState({});
  const [rollback, setRollback] = useState(null);
  const [diff, setDiff] = useState(null);
  const revisions = useQuery(["revisions", agent.id], () => api.configRevisions(agent.id));
  const dirty = form.dirty;
  // Unsaved-changes guard: leaving the page with edits asks first.
  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (e) => { e.preventDefault(); e.returnValue = ""; };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  const save = async () => {
    try { await api.updateAgent(agent.id, agentBody(f, agent)); form.saved(f); setErrors({}); toast({ message: "Configuration saved" }); invalidate("agent", "agents", "revisions"); }
    catch (e) { setErrors(fieldErrors(e)); }
  };
  return html`<div class="page narrow" style="padding:0">
    <${AgentForm} company=${company} agents=${agents} f=${f} set=${form.set} errors=${errors} self=${agent} />
    <div class="row section"><${Button} class="primary" disabled=${!dirty} onClick=${save}>Save changes</${Button}>
      ${dirty ? html`<button class="btn" onClick=${form.discard}>Discard</button><span class="muted small">Unsaved changes</span>` : null}</div>
    <section class="section"><h2>Configuration revisions</h2>
      <${Query} q=${revisions}>${(list) => list.length === 0 ? html`<${Empty} small>No revisions yet.</${Empty}>` : html`<table class="table">
        <thead><tr><th scope="col">When</th><th scope="col">By</th><th scope="col">Changed</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${list.map((r) => html`<tr><td title=${absTime(r.createdAt)}>${ago(r.createdAt)}</td>
          <td class="muted">${r.createdByAgentId ? agentName(agents, r.createdByAgentId) || "Agent" : "Board"}</td>
          <td class="mono small">${(r.changedKeys || []).join(", ") || "—"}</td>
          <td class="row"><button class="btn sm" onClick=${() => setDiff(r)}>Diff</button><button class="btn sm" onClick=${() => setRollback(r)}>Roll back</button></td></tr>`)}</tbody></table>`}</${Query}>
    </section>
    ${diff ? html`<${Dialog} title="Revision diff" wide onClose=${() => setDiff(null)}><div class="dialog-body grid2">
      <div><h3 class="small">Before</h3><pre class="json">${JSON.stringify(diff.beforeConfig || diff.before || null, null, 2)}</pre></div>
      <div><h3 class="small">After</h3><pre class="json">${JSON.stringify(diff.afterConfig || diff.after || null, null, 2)}</pre></div></div></${Dialog}>` : null}
    ${rollback ? html`<${Confirm} title="Roll back configuration" danger=${false} confirmLabel="Roll back" message=${`Restore the configuration from ${absTime(rollback.createdAt)}?`}
      onConfirm=${async () => { await api.rollbackRevision(agent.id, rollback.id); invalidate("agent", "agents", "revisions"); toast({ message: "Rolled back" }); }} onClose=${() => setRollback(null)} />` : null}
  </div>`;
}

function Keys({ agent }) {
  const keys = useQuery(["keys", agent.id], () => api.agentKeys(agent.id));
  const [name, setName] = useState("");
  const [created, setCreated] = useState(null);
  const [revoke, setRevoke] = useState(null);
  const create = async () => {
    try { const k = await api.createAgentKey(agent.id, name.trim() || "key"); setCreated(k); setName(""); invalidate("keys"); } catch { /* toasted */ }
  };
  return html`<div>
    <div class="toolbar"><input class="input" style="max-width:240px" placeholder="Key name" aria-label="Key name" value=${name} onInput=${(e) => setName(e.target.value)} />
      <${Button} class="sm" onClick=${create}>Create key</${Button}></div>
    <p class="muted small">For a local CLI session as this agent: <code>paperclip agent local-cli ${agent.urlKey || agent.id}</code></p>
    <${Query} q=${keys}>${(list) => list.length === 0 ? html`<${Empty} small>No API keys.</${Empty}>` : html`<table class="table">
      <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${list.map((k) => html`<tr><td>${k.name}</td><td class="muted">${ago(k.createdAt)}</td><td class="muted">${ago(k.lastUsedAt)}</td>
        <td>${k.revokedAt ? html`<span class="badge">Revoked</span>` : html`<span class="badge green">Active</span>`}</td>
        <td>${k.revokedAt ? null : html`<button class="btn sm danger" onClick=${() => setRevoke(k)}>Revoke</button>`}</td></tr>`)}</tbody></table>`}</${Query}>
    ${created ? html`<${Dialog} title="API key created" onClose=${() => setCreated(null)} footer=${html`<button class="btn primary right" onClick=${() => setCreated(null)}>Done</button>`}>
      <div class="dialog-body"><p><strong>This token will not be shown again.</strong> Copy it now.</p>
        <div class="row"><input class="input mono" readonly value=${created.token || created.key} aria-label="API token" onFocus=${(e) => e.target.select()} />
          <button class="btn" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(created.token || created.key).then(() => toast({ message: "Copied token" }))}>Copy</button></div></div></${Dialog}>` : null}
    ${revoke ? html`<${Confirm} title="Revoke key" confirmLabel="Revoke" message=${`Revoke “${revoke.name}”? Anything using it stops working.`}
      onConfirm=${async () => { await api.revokeAgentKey(agent.id, revoke.id); invalidate("keys"); }} onClose=${() => setRevoke(null)} />` : null}
  </div>`;
}

function Budget({ agent }) {
  const budget = useDraft(agent.budgetMonthlyCents ? String(agent.budgetMonthlyCents / 100) : "", (v) => String(Math.round((parseFloat(v) || 0) * 100)));
  const v = budget.draft;
  const pct = agent.budgetMonthlyCents ? Math.round((agent.spentMonthlyCents / agent.budgetMonthlyCents) * 100) : 0;
  const color = pct > 90 ? "var(--red)" : pct >= 70 ? "var(--amber)" : "var(--green)";
  return html`<div class="card card-pad" style="max-width:520px">
    ${agent.status === "paused" && agent.pauseReason === "budget" ? html`<div class="banner">Paused because the monthly budget is spent. Raise the budget to resume.</div>` : null}
    <${Prop} k="Month spend">${money(agent.spentMonthlyCents)}</${Prop}>
    <${Prop} k="Utilisation">${agent.budgetMonthlyCents ? html`<span class="row"><span style="flex:1;height:8px;background:var(--bg-active);border-radius:4px;overflow:hidden">
      <span style=${`display:block;height:100%;width:${Math.min(100, pct)}%;background:${color}`} /></span>${pct}%</span>` : html`<span class="muted">No budget</span>`}</${Prop}>
    <div class="field" style="margin-top:12px"><label for="agent-budget-edit">Monthly budget ($, 0 = none)</label>
      <div class="row"><input id="agent-budget-edit" class="input" type="number" min="0" step="0.01" value=${v} onInput=${(e) => budget.set(e.target.value)} />
        <${Button} class="primary" onClick=${async () => { await api.updateAgent(agent.id, { budgetMonthlyCents: Math.round((parseFloat(v) || 0) * 100) }); budget.saved(v); invalidate("agent", "agents"); toast({ message: "Budget saved" }); }}>Save</${Button}></div></div>
  </div>`;
}

function Header({ agent, agents, prefix }) {
  const shell = useShell();
  const [picker, openPicker, closePicker] = usePicker();
  const [confirm, setConfirm] = useState(null);
  const act = (a) => async () => { await api.agentAction(agent.id, a); invalidate("agent", "agents", "org"); };
  return html`<div class="row wrap" style="margin-bottom:14px;gap:12px">
    <span class="avatar agent lg" aria-hidden="true">${agent.name.slice(0, 2)}</span>
    <div class="grow"><h1 style="font-size:20px">${agent.name}</h1>
      <div class="row muted small wrap">${agent.title ? html`<span>${agent.title}</span>·` : null}<span>${roleLabel(agent.role)}</span>·
        <${AgentStatus} status=${agent.status} title=${agent.pauseReason || agent.errorReason || ""} />·<span>${adapterLabel(agent.adapterType)}</span>
        ${agent.reportsTo ? html`·<span>reports to ${agentName(agents, agent.reportsTo)}</span>` : null}</div>
      ${agent.errorReason ? html`<div class="small" style="color:var(--red)">${agent.errorReason}</div>` : null}</div>
    <div class="row wrap">
      <${Button} class="sm" onClick=${() => shell.runHeartbeat(agent)}><${Icon} name="play" size=${13} />Run heartbeat</${Button}>
      ${agent.status === "paused" ? html`<${Button} class="sm" onClick=${act("resume")}>Resume</${Button}>` : agent.status !== "terminated" && agent.status !== "pending_approval" ? html`<${Button} class="sm" onClick=${act("pause")}><${Icon} name="pause" size=${13} />Pause</${Button}>` : null}
      ${agent.status === "error" ? html`<${Button} class="sm" onClick=${act("clear-error")}>Clear error</${Button}>` : null}
      ${agent.status === "pending_approval" ? html`<${Button} class="sm primary" onClick=${act("approve")}>Approve</${Button}>` : null}
      <button class="btn sm" onClick=${() => shell.openNewIssue({ assigneeAgentId: agent.id })}>Assign task</button>
      <button class="btn ghost icon sm" aria-label="More agent actions" aria-haspopup="listbox" onClick=${(e) => openPicker("more", e)}><${Icon} name="more" /></button>
    </div>
    ${picker ? html`<${Picker} anchor=${picker.anchor} align="right" label="More agent actions" onClose=${closePicker} onSelect=${setConfirm}
      items=${[{ value: "reset", label: "Reset sessions" }, { value: "terminate", label: "Terminate…", disabled: agent.status === "terminated" }, { value: "delete", label: "Delete…" }]} />` : null}
    ${confirm === "reset" ? html`<${Confirm} title="Reset sessions" danger=${false} confirmLabel="Reset" message=${`Forget ${agent.name}'s adapter sessions? The next run starts fresh.`}
      onConfirm=${async () => { await api.resetSessions(agent.id); toast({ message: "Sessions reset" }); }} onClose=${() => setConfirm(null)} />` : null}
    ${confirm === "terminate" ? html`<${Confirm} title=${"Terminate " + agent.name} typeName=${agent.name} confirmLabel="Terminate" message="Terminated agents stop working for good; their runs are cancelled."
      onConfirm=${act("terminate")} onClose=${() => setConfirm(null)} />` : null}
    ${confirm === "delete" ? html`<${Confirm} title=${"Delete " + agent.name} typeName=${agent.name} confirmLabel="Delete agent" message="Deleting removes the agent and its keys."
      onConfirm=${async () => { await api.deleteAgent(agent.id); invalidate("agents", "org"); navigate(`/${prefix}/agents`); }} onClose=${() => setConfirm(null)} />` : null}
  </div>`;
}

export function AgentPage({ params }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = company.issuePrefix;
  const key = params.agentKey;
  const found = (shell.agents || []).find((a) => a.id === key || (a.urlKey || "").toLowerCase() === key.toLowerCase());
  const q = useQuery(found ? ["agent", found.id] : null, () => api.getAgent(found.id));
  const runs = useQuery(found ? ["runs", company.id, { agentId: found.id }] : null, () => api.listRuns(company.id, { agentId: found.id, limit: 100 }));
  const tab = TABS.some(([k]) => k === params.tab) ? params.tab : "overview";
  const agent = q.data;
  const base = `/${prefix}/agents/${key}`;
  const crumbs = [{ href: `/${prefix}/agents`, label: "Agents" }];
  if (!found) {
    return html`<${Page} title=${shell.agentsLoaded ? "Agent not found" : "Agent"} crumbs=${crumbs}>
      ${shell.agentsLoaded ? html`<p>No agent ${key} in ${company.name}.</p>` : html`<${Loading} />`}</${Page}>`;
  }
  return html`<${Page} title=${agent ? agent.name : "Agent"} crumbs=${crumbs} h1=${false}>
    <${Query} q=${q}>${(agent) => html`
      <${Header} agent=${agent} agents=${shell.agents} prefix=${prefix} />
      <${Tabs} label="Agent sections" current=${tab} tabs=${TABS.map(([k, label]) => ({ key: k, label, href: k === "overview" ? base : `${base}/${k}` }))} />
      ${tab === "overview" ? html`<${Overview} agent=${agent} runs=${runs.data} agents=${shell.agents} prefix=${prefix} />` : null}
      ${tab === "runs" ? html`<${Query} q=${runs}>${(list) => html`<p class="muted small">${plural(list.length, "run")}</p><${RunTable} runs=${list} agents=${shell.agents} prefix=${prefix} showAgent=${false} />`}</${Query}>` : null}
      ${tab === "configuration" ? html`<${Configuration} agent=${agent} company=${company} agents=${shell.agents} key=${agent.id} />` : null}
      ${tab === "keys" ? html`<${Keys} agent=${agent} />` : null}
      ${tab === "budget" ? html`<${Budget} agent=${agent} key=${agent.id} />` : null}
    `}</${Query}>
  </${Page}>`;
}
