// Instance settings: general (version, mode, readiness, paths, backups and the instance
// switches), heartbeats (every timer across companies, with toggles) and the signed-in
// user's board API keys for the CLI.
import { html, useEffect, useState } from "../preact.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Tabs, Query, Button, Empty, useShell } from "../components/ui.js";
import { Confirm } from "../components/dialog.js";
import { toast } from "../components/toasts.js";
import { Link } from "../router.js";
import { absTime, ago } from "../format.js";
import { themePref, setTheme } from "../theme.js";

const TABS = [["general", "General"], ["heartbeats", "Heartbeats"], ["api-keys", "API keys"]];
const FEEDBACK = [["prompt", "Ask each time"], ["allowed", "Allowed"], ["not_allowed", "Not allowed"]];
const RETENTION = { dailyDays: [[3, 7, 14], "Daily backups kept (days)"], weeklyWeeks: [[1, 2, 4], "Weekly backups kept (weeks)"], monthlyMonths: [[1, 3, 6], "Monthly backups kept (months)"] };
const PATHS = { instanceDir: "Instance folder", databaseFile: "Database", storageDir: "File storage", backupDir: "Backups", runLogDir: "Run logs" };

/** modeLabel is the deployment mode badge text (§5.16). */
export function modeLabel(h) {
  if (!h || !h.deploymentMode) return "—";
  if (h.deploymentMode === "local_trusted") return "Local trusted";
  return "Authenticated · " + (h.deploymentExposure || "private");
}

function Row({ k, children }) {
  return html`<div class="prop"><span class="k">${k}</span><span class="v">${children}</span></div>`;
}

export function InstanceSettingsPage({ tab }) {
  const health = useQuery(["health"], () => api.health());
  const current = TABS.some(([k]) => k === tab) ? tab : "general";
  return html`<${Page} title="Instance settings" width="narrow">
    <${Tabs} label="Instance settings" current=${current} tabs=${TABS.map(([k, l]) => ({ key: k, label: l, href: "/instance/settings/" + k }))} />
    <${Query} q=${health}>${(h) => current === "general" ? html`<${General} h=${h} />`
      : current === "heartbeats" ? html`<${Heartbeats} />` : html`<${ApiKeys} h=${h} />`}</${Query}>
  </${Page}>`;
}

function General({ h }) {
  const b = h.databaseBackup || {};
  return html`
    <section class="card card-pad section" aria-labelledby="is-about"><h2 id="is-about">About this instance</h2>
      <${Row} k="Version"><span class="mono">${h.version || "—"}</span></${Row}>
      <${Row} k="Mode"><span class="badge blue" data-mode=${h.deploymentMode}>${modeLabel(h)}</span></${Row}>
      <${Row} k="Sign-in">${h.deploymentMode === "local_trusted" ? "Not needed (loopback only)" : h.authReady ? "Ready" : "Not ready"}${h.signUpDisabled ? " · sign-up disabled" : ""}</${Row}>
      <${Row} k="Bootstrap">${h.bootstrapStatus === "bootstrap_pending" ? html`<span class="badge amber">Waiting for the first admin</span>` : "Ready"}</${Row}>
      <${Row} k="Scheduler">${h.scheduler ? (h.scheduler.enabled ? "Running" : "Off") + ` · ${h.scheduler.liveRuns || 0} live runs` : "—"}</${Row}>
    </section>
    ${h.paths ? html`<section class="card card-pad section paths" aria-labelledby="is-paths"><h2 id="is-paths">Data folders</h2>
      ${Object.entries(h.paths).sort(([a], [b]) => Object.keys(PATHS).indexOf(a) - Object.keys(PATHS).indexOf(b)).map(([k, v]) => html`<${Row} k=${PATHS[k] || k}><code class="small path" title=${v}>${v}</code></${Row}>`)}</section>` : null}
    <section class="card card-pad section" aria-labelledby="is-backups"><h2 id="is-backups">Database backups</h2>
      <${Row} k="Status">${b.enabled ? html`<span class=${"badge " + (b.status === "ok" ? "green" : "amber")}>${b.status === "ok" ? "OK" : "Warning"}</span>` : "Disabled"}</${Row}>
      ${b.enabled ? html`<${Row} k="Schedule">every ${b.intervalMinutes} min, kept ${b.retentionDays} days</${Row}>
        <${Row} k="Last backup">${b.lastBackupAt ? html`<span title=${absTime(b.lastBackupAt)}>${ago(b.lastBackupAt)}</span>` : "none yet"}</${Row}>` : null}
      ${(b.warnings || []).length ? html`<div class="muted small" style="margin-top:6px">${b.warnings.map((w) => w.replace(/^database_backup_/, "").replace(/_/g, " ")).join(" · ")}</div>` : null}
    </section>
    <${Switches} />
    <section class="card card-pad section" aria-labelledby="is-ui"><h2 id="is-ui">This browser</h2>
      <div class="field" style="max-width:240px;margin-bottom:0"><label for="is-theme">Theme</label>
        <select id="is-theme" class="select" value=${themePref()} onChange=${(e) => setTheme(e.target.value)}>
          <option value="system">Follow the system</option><option value="light">Light</option><option value="dark">Dark</option></select>
        <div class="hint">Kept in this browser only.</div></div>
    </section>`;
}

// Switches are the PATCH-able general settings; only instance admins may change them.
function Switches() {
  const settings = useQuery(["instanceSettings"], () => api.instanceSettings());
  const admin = useQuery(["instanceAdmin"], () => api.isInstanceAdmin());
  const [f, setF] = useState(null);
  const g = settings.data && settings.data.general;
  useEffect(() => { if (g) setF(JSON.parse(JSON.stringify(g))); }, [JSON.stringify(g)]);
  if (settings.error) return null; // no membership yet: nothing to show
  if (!f) return null;
  const ro = admin.data !== true;
  const dirty = JSON.stringify(f) !== JSON.stringify(g);
  const save = async () => {
    await api.updateGeneralSettings(f);
    invalidate("instanceSettings");
    toast({ message: "Instance settings saved" });
  };
  const check = (k, label, hint) => html`<label class="check"><input id=${"is-" + k} type="checkbox" checked=${f[k]} disabled=${ro}
      onChange=${(e) => setF({ ...f, [k]: e.target.checked })} /><span>${label}<div class="hint">${hint}</div></span></label>`;
  return html`<section class="card card-pad section" aria-labelledby="is-general"><h2 id="is-general">Instance switches</h2>
    ${ro ? html`<p class="muted small" style="margin-top:0">Only an instance admin can change these.</p>` : null}
    ${check("censorUsernameInLogs", "Censor user names in logs", "Show the server's OS user name as [user] and its home directory as ~ in run logs, events and excerpts. Stored logs keep the original text, so turning this off shows it again.")}
    ${check("keyboardShortcuts", "Keyboard shortcuts", "Saved with the instance for upstream boards; this board's shortcuts are always on (press ? for the list).")}
    <div class="grid2">
      <div class="field"><label for="is-feedback">Feedback data sharing</label>
        <select id="is-feedback" class="select" disabled=${ro} value=${f.feedbackDataSharingPreference} onChange=${(e) => setF({ ...f, feedbackDataSharingPreference: e.target.value })}>
          ${FEEDBACK.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></div>
      ${Object.entries(RETENTION).map(([k, [choices, label]]) => html`<div class="field"><label for=${"is-" + k}>${label}</label>
        <select id=${"is-" + k} class="select" disabled=${ro} value=${String(f.backupRetention[k])}
          onChange=${(e) => setF({ ...f, backupRetention: { ...f.backupRetention, [k]: Number(e.target.value) } })}>
          ${choices.map((c) => html`<option value=${String(c)}>${c}</option>`)}</select></div>`)}
    </div>
    ${ro ? null : html`<div class="row"><${Button} class="primary sm" disabled=${!dirty} onClick=${save}>Save</${Button}>
      ${dirty ? html`<button class="btn sm ghost" onClick=${() => setF(JSON.parse(JSON.stringify(g)))}>Discard changes</button>` : null}</div>`}
  </section>`;
}

// setHeartbeat flips runtimeConfig.heartbeat.enabled, keeping the rest of the config.
async function setHeartbeat(agentId, enabled) {
  const a = await api.getAgent(agentId);
  const rc = a.runtimeConfig || {};
  await api.updateAgent(agentId, { runtimeConfig: { ...rc, heartbeat: { ...(rc.heartbeat || {}), enabled } } });
}

function Heartbeats() {
  const rows = useQuery(["schedulerHeartbeats"], () => api.schedulerHeartbeats());
  const [confirm, setConfirm] = useState(false);
  const toggle = async (r) => {
    await setHeartbeat(r.id, !r.heartbeatEnabled);
    invalidate("schedulerHeartbeats", "agents", "agent");
  };
  return html`<${Query} q=${rows}>${(list) => list.length === 0 ? html`<${Empty}>No agent has a heartbeat timer.</${Empty}>` : html`
    <div class="row section" style="margin-top:16px"><span class="muted grow">${list.filter((r) => r.heartbeatEnabled).length} of ${list.length} timers on</span>
      <button class="btn sm danger" disabled=${!list.some((r) => r.heartbeatEnabled)} onClick=${() => setConfirm(true)}>Disable all</button></div>
    <div class="table-wrap"><table class="table stack" aria-label="Heartbeat timers">
      <thead><tr><th scope="col">Company</th><th scope="col">Agent</th><th scope="col">Interval</th><th scope="col">Last heartbeat</th><th scope="col">Timer</th></tr></thead>
      <tbody>${list.map((r) => html`<tr data-heartbeat=${r.agentName}>
        <td data-label="Company">${r.companyName}</td>
        <td data-label="Agent"><${Link} href=${`/${r.companyIssuePrefix}/agents/${r.agentUrlKey || r.id}`}>${r.agentName}</${Link}></td>
        <td data-label="Interval">${r.intervalSec >= 3600 && r.intervalSec % 3600 === 0 ? r.intervalSec / 3600 + " h" : Math.round(r.intervalSec / 60) + " min"}</td>
        <td data-label="Last heartbeat">${r.lastHeartbeatAt ? html`<span title=${absTime(r.lastHeartbeatAt)}>${ago(r.lastHeartbeatAt)}</span>` : html`<span class="muted">never</span>`}</td>
        <td data-label="Timer"><label class="check inline"><input type="checkbox" checked=${r.heartbeatEnabled} aria-label=${"Heartbeat timer for " + r.agentName}
          onChange=${() => toggle(r)} /><span>${r.heartbeatEnabled ? "On" : "Off"}</span></label></td></tr>`)}</tbody></table></div>
    ${confirm ? html`<${Confirm} title="Disable every heartbeat timer" confirmLabel="Disable all" message=${`Turns off the timer of ${list.filter((r) => r.heartbeatEnabled).length} agents. On-demand wakes still work.`}
      onConfirm=${async () => {
        for (const r of list.filter((x) => x.heartbeatEnabled)) await setHeartbeat(r.id, false);
        invalidate("schedulerHeartbeats", "agents", "agent");
        toast({ message: "Heartbeat timers disabled" });
      }} onClose=${() => setConfirm(false)} />` : null}`}</${Query}>`;
}

function ApiKeys({ h }) {
  if (h.deploymentMode === "local_trusted") {
    return html`<div class="card card-pad section"><p style="margin:0">This instance runs in local trusted mode: the CLI on this machine talks to it without an API key.</p></div>`;
  }
  return html`<${BoardKeys} />`;
}

function BoardKeys() {
  const keys = useQuery(["boardKeys"], () => api.listBoardKeys());
  const [name, setName] = useState("paperclip cli");
  const [days, setDays] = useState("30");
  const [created, setCreated] = useState(null);
  const [revoke, setRevoke] = useState(null);
  const create = async () => {
    const expiresAt = days === "never" ? null : new Date(Date.now() + Number(days) * 86400000).toISOString();
    const k = await api.createBoardKey({ name: name.trim() || undefined, expiresAt });
    setCreated(k);
    invalidate("boardKeys");
  };
  return html`
    <section class="card card-pad section" aria-labelledby="is-newkey"><h2 id="is-newkey">New board API key</h2>
      <p class="muted small" style="margin-top:0">A key acts as you. Use it from the CLI with <code>PAPERCLIP_API_KEY</code>.</p>
      <div class="grid2">
        <div class="field"><label for="key-name">Name</label><input id="key-name" class="input" maxlength="120" value=${name} onInput=${(e) => setName(e.target.value)} /></div>
        <div class="field"><label for="key-expiry">Expires</label><select id="key-expiry" class="select" value=${days} onChange=${(e) => setDays(e.target.value)}>
          <option value="7">in 7 days</option><option value="30">in 30 days</option><option value="90">in 90 days</option><option value="never">never</option></select></div>
      </div>
      <${Button} class="primary sm" onClick=${create}>Create key</${Button}>
      ${created ? html`<div class="banner key-once" role="status" style="margin:14px 0 0;display:block">
        <strong>Copy this key now — it is shown only once.</strong>
        <pre class="mono small token">export PAPERCLIP_API_KEY=${created.token}</pre>
        <div class="row"><button class="btn sm" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(created.token).then(() => toast({ message: "Copied" }), () => {})}>Copy</button>
          <button class="btn sm ghost" onClick=${() => setCreated(null)}>Done</button></div></div>` : null}
    </section>
    <section class="section" aria-labelledby="is-keys"><h2 id="is-keys">Your keys</h2>
      <${Query} q=${keys}>${(list) => list.length === 0 ? html`<${Empty} small>No active keys.</${Empty}>` : html`<div class="table-wrap"><table class="table stack" aria-label="Board API keys">
        <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${list.map((k) => html`<tr data-key=${k.name}><td data-label="Name">${k.name}</td><td data-label="Created">${ago(k.createdAt)}</td>
          <td data-label="Last used">${k.lastUsedAt ? ago(k.lastUsedAt) : html`<span class="muted">never</span>`}</td>
          <td data-label="Expires">${k.expiresAt ? absTime(k.expiresAt) : "never"}</td>
          <td><button class="btn sm danger" onClick=${() => setRevoke(k)}>Revoke</button></td></tr>`)}</tbody></table></div>`}</${Query}>
    </section>
    ${revoke ? html`<${Confirm} title=${"Revoke " + revoke.name} confirmLabel="Revoke key" message="The CLI using this key stops working at once."
      onConfirm=${async () => { await api.revokeBoardKey(revoke.id); invalidate("boardKeys"); }} onClose=${() => setRevoke(null)} />` : null}`;
}
