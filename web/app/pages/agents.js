// Agents list: tabs all / active / paused / error, a dense table with status, adapter,
// manager, last heartbeat, spend and a live badge; row menu for heartbeat and pause.
import { html, useState } from "../preact.js";
import { navigate, Link } from "../router.js";
import * as api from "../api.js";
import { invalidate } from "../data.js";
import { Page, Tabs, Empty, AgentStatus, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Picker, usePicker } from "../components/dialog.js";
import { useListNav } from "../keys.js";
import { agentName } from "../components/pickers.js";
import { adapterLabel, roleLabel, ago, money, isLiveRun } from "../format.js";

const FILTERS = {
  all: (a) => a.status !== "terminated",
  active: (a) => ["idle", "active", "running"].includes(a.status),
  paused: (a) => a.status === "paused",
  error: (a) => a.status === "error",
};

export function AgentsPage({ params }) {
  const shell = useShell();
  const company = shell.company;
  const p = "/" + company.issuePrefix;
  const tab = FILTERS[params.tab] ? params.tab : "all";
  const all = shell.agents || [];
  const rows = all.filter(FILTERS[tab]);
  const live = new Set((shell.liveRuns || []).filter((r) => isLiveRun(r.status)).map((r) => r.agentId));
  const [picker, openPicker, closePicker] = usePicker();
  const open = (a) => navigate(`${p}/agents/${a.urlKey || a.id}`);
  const [sel] = useListNav(rows.length, (i) => open(rows[i]));
  const act = async (a, v) => {
    if (v === "open") return open(a);
    if (v === "run") return shell.runHeartbeat(a);
    try { await api.agentAction(a.id, v); invalidate("agents", "agent", "org"); } catch { /* toasted */ }
    return undefined;
  };
  const actions = html`<div class="btn-group" role="group" aria-label="View">
      <button class="btn sm icon" aria-label="List view" aria-pressed="true"><${Icon} name="list" size=${14} /></button>
      <${Link} class="btn sm icon" aria-label="Org view" href=${p + "/org"}><${Icon} name="org" size=${14} /></${Link}></div>
    <${Link} class="btn primary sm" href=${p + "/agents/new"}><${Icon} name="plus" size=${14} />New agent</${Link}>`;
  return html`<${Page} title="Agents" actions=${actions}>
    <${Tabs} label="Agent filters" current=${tab} tabs=${Object.keys(FILTERS).map((k) => ({ key: k, label: k[0].toUpperCase() + k.slice(1), href: `${p}/agents/${k}`, count: all.filter(FILTERS[k]).length }))} />
    ${rows.length === 0 ? html`<${Empty} action=${html`<${Link} class="btn primary" href=${p + "/agents/new"}>Hire an agent</${Link}>`}>${tab === "all" ? "No agents yet." : "No agents here."}</${Empty}>`
      : html`<table class="table stack">
        <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Role</th><th scope="col">Adapter</th><th scope="col">Reports to</th>
          <th scope="col">Last heartbeat</th><th scope="col">Month spend</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((a, i) => html`<tr class=${"clickable" + (i === sel ? " selected" : "")} data-row=${i} tabindex="0" onClick=${(e) => !e.target.closest("button") && open(a)}
            onKeyDown=${(e) => e.key === "Enter" && e.target === e.currentTarget && open(a)}>
          <td class="primary"><div class="row"><span class="avatar agent" aria-hidden="true">${a.name.slice(0, 2)}</span>
            <span><${Link} href=${`${p}/agents/${a.urlKey || a.id}`}><strong>${a.name}</strong></${Link}>${a.title ? html`<div class="muted small">${a.title}</div>` : null}</span>
            ${live.has(a.id) ? html`<span class="badge blue"><span class="live-dot" aria-hidden="true" />Live</span>` : null}</div></td>
          <td><${AgentStatus} status=${a.status} title=${a.pauseReason || a.errorReason || ""} /></td>
          <td>${roleLabel(a.role)}</td><td class="muted">${adapterLabel(a.adapterType)}</td>
          <td class="muted">${agentName(all, a.reportsTo) || "—"}</td><td class="muted">${ago(a.lastHeartbeatAt)}</td>
          <td class="muted">${money(a.spentMonthlyCents)}${a.budgetMonthlyCents ? " / " + money(a.budgetMonthlyCents) : ""}</td>
          <td class="cell-actions"><button class="btn ghost icon sm" aria-label=${"Actions for " + a.name} aria-haspopup="listbox" onClick=${(e) => openPicker("row", e, { agent: a })}><${Icon} name="more" size=${14} /></button></td>
        </tr>`)}</tbody></table>`}
    ${picker ? html`<${Picker} anchor=${picker.anchor} align="right" label=${"Actions for " + picker.agent.name} onClose=${closePicker} onSelect=${(v) => act(picker.agent, v)}
      items=${[{ value: "run", label: "Run heartbeat" }, picker.agent.status === "paused" ? { value: "resume", label: "Resume" } : { value: "pause", label: "Pause" }, { value: "open", label: "Open" }]} />` : null}
  </${Page}>`;
}
