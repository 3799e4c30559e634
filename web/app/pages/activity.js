// Activity: the company's audit feed, newest first, filterable, paged with Load more.
import { html, useEffect, useState } from "../preact.js";
import { setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Query, Empty, Avatar, useShell, Button } from "../components/ui.js";
import { agentName } from "../components/pickers.js";
import { activitySentence } from "./issue-tabs.js";
import { ago, absTime } from "../format.js";

const PAGE = 100;

export function ActivityPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const entityType = query.get("entityType") || "";
  const actorType = query.get("actorType") || "";
  const params = { entityType: entityType || undefined, actorType: actorType || undefined };
  const first = useQuery(["activity", company.id, params], () => api.listActivity(company.id, { ...params, limit: PAGE }));
  const [more, setMore] = useState([]);
  const [done, setDone] = useState(false);
  useEffect(() => { setMore([]); setDone(false); }, [entityType, actorType]);
  const load = async () => {
    const rows = await api.listActivity(company.id, { ...params, limit: PAGE, offset: PAGE + more.length });
    setMore([...more, ...rows]);
    if (rows.length < PAGE) setDone(true);
  };
  const agents = shell.agents;
  return html`<${Page} title="Activity">
    <div class="toolbar">
      <label class="small muted" for="act-entity">Entity</label>
      <select id="act-entity" class="select" style="width:150px" value=${entityType} onChange=${(e) => setQuery({ entityType: e.target.value })}>
        ${["", "issue", "agent", "company", "approval", "project", "goal", "heartbeat_run", "cost_event"].map((v) => html`<option value=${v}>${v || "Any"}</option>`)}</select>
      <label class="small muted" for="act-actor">Actor</label>
      <select id="act-actor" class="select" style="width:130px" value=${actorType} onChange=${(e) => setQuery({ actorType: e.target.value })}>
        ${["", "agent", "user", "system"].map((v) => html`<option value=${v}>${v || "Anyone"}</option>`)}</select>
    </div>
    <${Query} q=${first}>${(rows) => { const all = [...rows, ...more]; return all.length === 0 ? html`<${Empty}>No activity yet.</${Empty}>` : html`<div class="card">
      ${all.map((a) => html`<div class="feed-row">
        <${Avatar} name=${a.actorType === "agent" ? agentName(agents, a.actorId) || "AG" : a.actorType === "system" ? "SY" : "BO"} agent=${a.actorType === "agent"} />
        <div class="grow"><div>${activitySentence(a, agents)}</div>
          ${a.details ? html`<details><summary class="small">Details</summary><pre class="json">${JSON.stringify(a.details, null, 2)}</pre></details>` : null}</div>
        <span class="ident">${a.entityType}</span><span class="muted small nowrap" title=${absTime(a.createdAt)}>${ago(a.createdAt)}</span></div>`)}
      ${rows.length === PAGE && !done ? html`<div style="padding:10px"><${Button} class="sm" onClick=${load}>Load more</${Button}></div>` : null}</div>`; }}</${Query}>
  </${Page}>`;
}
