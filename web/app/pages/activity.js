// Activity: the company's audit trail, newest first. Entity type, actor type and agent
// filter on the server; "action contains" narrows what is loaded. Every row links to its
// entity (and its run), and `Load more` pages by offset. Filters live in the URL.
import { html, useEffect, useState } from "../preact.js";
import { Link, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Query, Empty, Avatar, useShell, Button } from "../components/ui.js";
import { agentName } from "../components/pickers.js";
import { activitySentence } from "../activity-text.js";
import { ago, absTime, shortId } from "../format.js";

const PAGE = 100;
const ENTITIES = ["issue", "agent", "company", "approval", "project", "goal", "heartbeat_run", "cost_event", "secret", "asset", "label"];

/** entityHref is where an activity row's entity lives in the board, or null. */
export function entityHref(a, prefix) {
  const d = a.details || {};
  switch (a.entityType) {
    case "issue": return `${prefix}/issues/${d.identifier || a.entityId}`;
    case "agent": return `${prefix}/agents/${a.entityId}`;
    case "goal": return `${prefix}/goals/${a.entityId}`;
    case "project": return `${prefix}/projects/${a.entityId}`;
    case "approval": return `${prefix}/approvals/${a.entityId}`;
    case "company": return `${prefix}/company/settings`;
    case "cost_event": return `${prefix}/costs`;
    case "heartbeat_run": return a.agentId || d.agentId ? `${prefix}/agents/${a.agentId || d.agentId}/runs/${a.entityId}` : null;
    default: return null;
  }
}

function Row({ a, agents, prefix }) {
  const [open, setOpen] = useState(false);
  const href = entityHref(a, prefix);
  const runAgent = a.agentId || (a.actorType === "agent" ? a.actorId : null);
  const hasDetails = a.details && Object.keys(a.details).length > 0;
  return html`<article class="feed-row" data-action=${a.action}>
    <${Avatar} name=${a.actorType === "agent" ? agentName(agents, a.actorId) || "AG" : a.actorType === "system" ? "SY" : "BO"} agent=${a.actorType === "agent"} />
    <div class="grow"><div>${activitySentence(a, agents)}</div>
      <div class="row small muted wrap" style="gap:10px;margin-top:1px"><span class="ident">${a.action}</span>
        ${href ? html`<${Link} class="link" href=${href}>Open ${a.entityType.replace(/_/g, " ")}</${Link}>` : null}
        ${a.runId && runAgent ? html`<${Link} class="link" href=${`${prefix}/agents/${runAgent}/runs/${a.runId}`}>Run ${shortId(a.runId)}</${Link}>` : null}
        ${hasDetails ? html`<button type="button" class="linkish" aria-expanded=${open ? "true" : "false"} onClick=${() => setOpen(!open)}>${open ? "Hide details" : "Details"}</button>` : null}</div>
      ${open ? html`<pre class="json">${JSON.stringify(a.details, null, 2)}</pre>` : null}</div>
    <span class="muted small nowrap" title=${absTime(a.createdAt)}>${ago(a.createdAt)}</span></article>`;
}

export function ActivityPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const entityType = query.get("entityType") || "";
  const actorType = query.get("actorType") || "";
  const agentId = query.get("agentId") || "";
  const text = query.get("q") || "";
  const [typed, setTyped] = useState(text);
  const params = { entityType: entityType || undefined, actorType: actorType || undefined, agentId: agentId || undefined };
  const first = useQuery(["activity", company.id, params], () => api.listActivity(company.id, { ...params, limit: PAGE }));
  const [more, setMore] = useState([]);
  const [done, setDone] = useState(false);
  useEffect(() => { setMore([]); setDone(false); }, [entityType, actorType, agentId]);
  useEffect(() => {
    if (typed === text) return undefined;
    const t = setTimeout(() => setQuery({ q: typed || null }), 250);
    return () => clearTimeout(t);
  }, [typed]);
  const load = async () => {
    const rows = await api.listActivity(company.id, { ...params, limit: PAGE, offset: PAGE + more.length });
    setMore([...more, ...rows]);
    if (rows.length < PAGE) setDone(true);
  };
  const agents = shell.agents;
  const filtered = Boolean(entityType || actorType || agentId || text);
  return html`<${Page} title="Activity">
    <div class="toolbar">
      <select id="act-entity" class="select" aria-label="Entity type" style="width:150px" value=${entityType} onChange=${(e) => setQuery({ entityType: e.target.value })}>
        <option value="">Any entity</option>${ENTITIES.map((v) => html`<option value=${v}>${v.replace(/_/g, " ")}</option>`)}</select>
      <select id="act-actor" class="select" aria-label="Actor type" style="width:130px" value=${actorType} onChange=${(e) => setQuery({ actorType: e.target.value })}>
        <option value="">Anyone</option><option value="agent">Agents</option><option value="user">Board users</option><option value="system">System</option></select>
      <select id="act-agent" class="select" aria-label="Agent" style="width:160px" value=${agentId} onChange=${(e) => setQuery({ agentId: e.target.value })}>
        <option value="">Any agent</option>${agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}</select>
      <input id="act-text" class="input" type="search" style="width:200px" placeholder="Action contains…" aria-label="Action contains" value=${typed} onInput=${(e) => setTyped(e.target.value)} />
      ${filtered ? html`<button class="btn sm ghost" onClick=${() => { setTyped(""); setQuery({ entityType: null, actorType: null, agentId: null, q: null }); }}>Clear filters</button>` : null}
    </div>
    <${Query} q=${first}>${(rows) => {
      const needle = text.toLowerCase();
      const all = [...rows, ...more].filter((a) => !needle || a.action.toLowerCase().includes(needle) || activitySentence(a, agents).toLowerCase().includes(needle));
      const canMore = rows.length === PAGE && !done;
      if (all.length === 0 && !canMore) return html`<${Empty}>${filtered ? "No activity matches these filters." : "No activity yet."}</${Empty}>`;
      return html`<div class="card" role="feed" aria-label="Activity">
        ${all.map((a) => html`<${Row} key=${a.id} a=${a} agents=${agents} prefix=${prefix} />`)}
        ${canMore ? html`<div style="padding:10px"><${Button} class="sm" onClick=${load}>Load more</${Button}></div>` : null}</div>`;
    }}</${Query}>
  </${Page}>`;
}
