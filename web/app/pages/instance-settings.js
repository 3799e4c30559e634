// Instance settings: general (version, mode, paths, backups), heartbeats, API keys.
import { html } from "../preact.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Tabs, Query, useShell } from "../components/ui.js";
import { absTime } from "../format.js";

const MODES = { local_trusted: "Local trusted", authenticated: "Authenticated" };

function Row({ k, children }) {
  return html`<div class="prop"><span class="k">${k}</span><span class="v">${children}</span></div>`;
}

export function InstanceSettingsPage({ tab }) {
  const shell = useShell();
  const health = useQuery(["health"], () => api.health());
  const current = ["general", "heartbeats", "api-keys"].includes(tab) ? tab : "general";
  return html`<${Page} title="Instance settings" width="narrow">
    <${Tabs} label="Instance settings" current=${current} tabs=${[["general", "General"], ["heartbeats", "Heartbeats"], ["api-keys", "API keys"]].map(([k, l]) => ({ key: k, label: l, href: "/instance/settings/" + k }))} />
    <${Query} q=${health}>${(h) => current === "general" ? html`<div class="card card-pad">
      <${Row} k="Version">${h.version}</${Row}>
      <${Row} k="Mode"><span class="badge">${MODES[h.deploymentMode] || h.deploymentMode}${h.deploymentMode === "authenticated" ? " · " + h.deploymentExposure : ""}</span></${Row}>
      <${Row} k="Bootstrap">${h.bootstrapStatus || "—"}</${Row}>
      ${h.paths ? Object.entries(h.paths).map(([k, v]) => html`<${Row} k=${k}><code class="small">${v}</code></${Row}>`) : null}
      ${h.databaseBackup ? html`<${Row} k="Backups">${h.databaseBackup.enabled ? `every ${h.databaseBackup.intervalMinutes} min, kept ${h.databaseBackup.retentionDays} days` : "disabled"}
        ${h.databaseBackup.lastBackupAt ? html`<div class="muted small">last ${absTime(h.databaseBackup.lastBackupAt)}</div>` : null}</${Row}>` : null}
    </div>` : current === "heartbeats" ? html`<${Heartbeats} />` : html`<div class="card card-pad">
      ${h.deploymentMode === "local_trusted" ? html`<p style="margin:0">This instance runs in local trusted mode: the CLI on this machine needs no API key.</p>`
        : html`<p style="margin:0">Board API keys for the CLI are managed here once sign-in lands.</p>`}</div>`}</${Query}>
  </${Page}>`;
}

function Heartbeats() {
  const rows = useQuery(["schedulerHeartbeats"], () => api.schedulerHeartbeats());
  return html`<${Query} q=${rows}>${(list) => list.length === 0 ? html`<p class="muted">No agent has a heartbeat timer.</p>` : html`<table class="table">
    <thead><tr><th scope="col">Company</th><th scope="col">Agent</th><th scope="col">Interval</th><th scope="col">Enabled</th></tr></thead>
    <tbody>${list.map((r) => html`<tr><td>${r.companyName}</td><td>${r.agentName}</td><td>${r.intervalSec ? Math.round(r.intervalSec / 60) + " min" : "—"}</td><td>${r.heartbeatEnabled || r.enabled ? "Yes" : "No"}</td></tr>`)}</tbody></table>`}</${Query}>`;
}
