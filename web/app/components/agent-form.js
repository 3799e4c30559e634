// The agent form (New agent, and Configuration in edit mode): identity, adapter with
// per-type fields (runtime §18–21), environment, heartbeat policy, budget, and the
// environment test.
import { html, useEffect, useState } from "../preact.js";
import { EnvEditor } from "./env-editor.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Icon } from "./icons.js";
import { AGENT_ROLES, roleLabel, adapterLabel } from "../format.js";

export const ADAPTERS = [
  { type: "claude_local", name: "Claude Code", desc: "Runs the claude CLI on this machine", command: "claude" },
  { type: "codex_local", name: "Codex", desc: "Runs the codex CLI on this machine", command: "codex" },
  { type: "process", name: "Process", desc: "Any command; the prompt arrives on stdin", command: "" },
  { type: "http", name: "HTTP", desc: "POSTs the wake to a URL you run", command: "" },
];

/** adapterDefaults is a fresh adapterConfig; local CLIs skip permission prompts by default. */
export function adapterDefaults(type) {
  switch (type) {
    case "claude_local": return { command: "claude", model: "", dangerouslySkipPermissions: true };
    case "codex_local": return { command: "codex", model: "", dangerouslyBypassApprovalsAndSandbox: true };
    case "process": return { command: "", args: [] };
    case "http": return { url: "", method: "POST" };
    default: return {};
  }
}

/** defaultHeartbeat is the policy for new agents: wake on demand, no timer. */
export const defaultHeartbeat = () => ({ enabled: false, intervalSec: 3600, wakeOnDemand: true, maxConcurrentRuns: 1, skipWhenNoActionableWork: true });

/** AdapterCards is the radio group of adapter types, with detected-CLI hints. */
export function AdapterCards({ value, onChange, detected = {} }) {
  const keys = (e, i) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowDown" && e.key !== "ArrowLeft" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const next = ADAPTERS[(i + (e.key === "ArrowRight" || e.key === "ArrowDown" ? 1 : ADAPTERS.length - 1)) % ADAPTERS.length];
    onChange(next.type);
    requestAnimationFrame(() => { const el = document.querySelector(`[data-adapter="${next.type}"]`); if (el) el.focus(); });
  };
  return html`<div class="adapter-cards" role="radiogroup" aria-label="Adapter type">
    ${ADAPTERS.map((a, i) => {
      const d = detected[a.type];
      return html`<button type="button" class="adapter-card" role="radio" data-adapter=${a.type} aria-checked=${value === a.type ? "true" : "false"}
          tabindex=${value === a.type ? 0 : -1} onClick=${() => onChange(a.type)} onKeyDown=${(e) => keys(e, i)}>
        <span class="name">${a.name}${d === "pass" || d === "warn" ? html`<span class="badge green">Installed</span>` : d === "fail" ? html`<span class="badge">Not found</span>` : d === "checking" ? html`<span class="spinner" aria-label="Checking" />` : null}</span>
        <span class="desc">${a.desc}</span>
      </button>`;
    })}
  </div>`;
}

/** EnvTest shows test-environment results: each check with its level and hint. */
export function EnvTest({ result }) {
  if (!result) return null;
  const mark = { info: ["✓", "green", "Pass"], warn: ["!", "amber", "Warning"], error: ["✕", "red", "Fail"] };
  return html`<div role="status" aria-live="polite">
    <div class="row"><strong>Environment ${result.status === "pass" ? "passed" : result.status === "warn" ? "passed with warnings" : "failed"}</strong></div>
    <ul class="checks">${(result.checks || []).map((c) => {
      const [sym, color, word] = mark[c.level] || mark.info;
      return html`<li><span class=${"badge " + color} aria-label=${word}>${sym}</span><span><span>${c.message}</span>
        ${c.hint ? html`<div class="muted small">${c.hint}</div>` : null}</span></li>`;
    })}</ul></div>`;
}

function Field({ id, label, hint, children, err }) {
  return html`<div class="field">${label ? html`<label for=${id}>${label}</label>` : null}${children}
    ${hint ? html`<div class="hint">${hint}</div>` : null}${err ? html`<div class="err">${err}</div>` : null}</div>`;
}

function text(cfg, set, key, label, { hint, placeholder, id } = {}) {
  const fid = id || "cfg-" + key;
  return html`<${Field} id=${fid} label=${label} hint=${hint}><input id=${fid} class="input" placeholder=${placeholder} value=${cfg[key] ?? ""}
    onInput=${(e) => set({ ...cfg, [key]: e.target.value })} /></${Field}>`;
}
function num(cfg, set, key, label, hint) {
  return html`<${Field} id=${"cfg-" + key} label=${label} hint=${hint}><input id=${"cfg-" + key} class="input" type="number" min="0" value=${cfg[key] ?? ""}
    onInput=${(e) => set({ ...cfg, [key]: e.target.value === "" ? undefined : Number(e.target.value) })} /></${Field}>`;
}
function toggle(cfg, set, key, label, warn) {
  return html`<div class="field"><label class="check"><input type="checkbox" checked=${!!cfg[key]} onChange=${(e) => set({ ...cfg, [key]: e.target.checked })} />
    <span>${label}${warn && cfg[key] ? html`<div class="hint" style="color:var(--amber)">${warn}</div>` : null}</span></label></div>`;
}
function list(cfg, set, key, label, hint) {
  const v = Array.isArray(cfg[key]) ? cfg[key].join(" ") : cfg[key] || "";
  return html`<${Field} id=${"cfg-" + key} label=${label} hint=${hint || "Separated by spaces"}><input id=${"cfg-" + key} class="input mono" value=${v}
    onInput=${(e) => set({ ...cfg, [key]: e.target.value.split(/\s+/).filter(Boolean) })} /></${Field}>`;
}

/** AdapterFields edits the adapterConfig of one adapter type. */
export function AdapterFields({ companyId, type, cfg, set, compact }) {
  const models = useQuery(type === "claude_local" || type === "codex_local" ? ["models", companyId, type] : null, () => api.adapterModels(companyId, type).catch(() => []));
  const [advanced, setAdvanced] = useState(false);
  const model = html`<${Field} id="cfg-model" label="Model" hint="Leave empty for the CLI's default">
    <input id="cfg-model" class="input" list="model-list" value=${cfg.model || ""} onInput=${(e) => set({ ...cfg, model: e.target.value })} />
    <datalist id="model-list">${(models.data || []).map((m) => html`<option value=${m.id}>${m.label}</option>`)}</datalist></${Field}>`;
  const cwd = text(cfg, set, "cwd", "Working directory", { hint: "Absolute path; empty uses the agent's workspace", placeholder: "/home/me/project" });
  if (type === "claude_local" || type === "codex_local") {
    const claude = type === "claude_local";
    return html`<div>
      <div class="grid2">${model}${cwd}</div>
      ${compact ? null : html`<div class="grid2">${text(cfg, set, "command", "Command", { placeholder: claude ? "claude" : "codex" })}
        ${claude ? html`<${Field} id="cfg-effort" label="Effort"><select id="cfg-effort" class="select" value=${cfg.effort || ""} onChange=${(e) => set({ ...cfg, effort: e.target.value })}>
            <option value="">Default</option><option value="low">Low</option><option value="medium">Medium</option><option value="high">High</option></select></${Field}>`
          : html`<${Field} id="cfg-mre" label="Reasoning effort"><select id="cfg-mre" class="select" value=${cfg.modelReasoningEffort || ""} onChange=${(e) => set({ ...cfg, modelReasoningEffort: e.target.value })}>
            <option value="">Default</option><option value="low">Low</option><option value="medium">Medium</option><option value="high">High</option></select></${Field}>`}</div>`}
      ${claude ? toggle(cfg, set, "dangerouslySkipPermissions", "Skip permission prompts", "Headless runs cannot answer prompts; the agent can run any tool in its working directory.")
        : toggle(cfg, set, "dangerouslyBypassApprovalsAndSandbox", "Bypass approvals and sandbox", "Without it Codex's sandbox blocks the network, so the agent cannot reach Paperclip.")}
      ${compact ? null : html`<button type="button" class="btn ghost sm" aria-expanded=${advanced ? "true" : "false"} onClick=${() => setAdvanced(!advanced)}>
        <${Icon} name=${advanced ? "chevron-down" : "chevron-right"} size=${14} />Advanced</button>`}
      ${advanced && !compact ? html`<div style="margin-top:10px">
        <div class="grid2">${claude ? num(cfg, set, "maxTurnsPerRun", "Max turns per run", "0 = no limit") : toggle(cfg, set, "search", "Web search (--search)")}
          ${text(cfg, set, "instructionsFilePath", "Instructions file", { placeholder: "/path/to/AGENTS.md" })}</div>
        <div class="grid2">${num(cfg, set, "timeoutSec", "Timeout (s)", "0 = none")}${num(cfg, set, "graceSec", "Grace (s)", "Between SIGTERM and SIGKILL")}</div>
        ${list(cfg, set, "extraArgs", "Extra arguments")}
        <${Field} id="cfg-prompt" label="Prompt template"><textarea id="cfg-prompt" class="textarea mono" rows="4" value=${cfg.promptTemplate || ""}
          onInput=${(e) => set({ ...cfg, promptTemplate: e.target.value })} /></${Field}>
      </div>` : null}
    </div>`;
  }
  if (type === "process") {
    return html`<div>
      <div class="grid2">${text(cfg, set, "command", "Command", { placeholder: "/usr/local/bin/my-agent" })}${cwd}</div>
      ${list(cfg, set, "args", "Arguments")}
      <div class="grid2">${num(cfg, set, "timeoutSec", "Timeout (s)", "0 = none")}${num(cfg, set, "graceSec", "Grace (s)")}</div>
    </div>`;
  }
  if (type === "http") {
    const headers = cfg.headers || {};
    return html`<div>
      <div class="grid2">${text(cfg, set, "url", "URL", { placeholder: "https://agents.example.com/wake" })}
        <${Field} id="cfg-method" label="Method"><select id="cfg-method" class="select" value=${cfg.method || "POST"} onChange=${(e) => set({ ...cfg, method: e.target.value })}>
          ${["POST", "PUT", "PATCH", "GET"].map((m) => html`<option>${m}</option>`)}</select></${Field}></div>
      <${KeyValues} label="Headers" value=${headers} onChange=${(h) => set({ ...cfg, headers: h })} />
      <${Field} id="cfg-payload" label="Payload template" hint="JSON; placeholders as in runtime docs"><textarea id="cfg-payload" class="textarea mono" rows="4"
        value=${typeof cfg.payloadTemplate === "string" ? cfg.payloadTemplate : cfg.payloadTemplate ? JSON.stringify(cfg.payloadTemplate, null, 2) : ""}
        onInput=${(e) => set({ ...cfg, payloadTemplate: e.target.value })} /></${Field}>
      ${num(cfg, set, "timeoutSec", "Timeout (s)")}
    </div>`;
  }
  return null;
}

/** KeyValues edits a string map as rows; keys starting PAPERCLIP_ are refused (reserved). */
export function KeyValues({ label, value, onChange, reserved }) {
  const rows = Object.entries(value || {});
  const [draft, setDraft] = useState(["", ""]);
  const err = reserved && /^PAPERCLIP_/i.test(draft[0]) ? "Names starting with PAPERCLIP_ are reserved for the runtime" : null;
  const add = () => { if (!draft[0].trim() || err) return; onChange({ ...value, [draft[0].trim()]: draft[1] }); setDraft(["", ""]); };
  return html`<div class="field"><span class="field-label">${label}</span>
    ${rows.map(([k, v]) => html`<div class="row" style="margin-bottom:4px"><input class="input mono" value=${k} readonly aria-label=${label + " name"} />
      <input class="input mono" value=${typeof v === "string" ? v : JSON.stringify(v)} aria-label=${"Value of " + k} onInput=${(e) => onChange({ ...value, [k]: e.target.value })} />
      <button type="button" class="btn ghost icon sm" aria-label=${"Remove " + k} onClick=${() => { const n = { ...value }; delete n[k]; onChange(n); }}><${Icon} name="x" size=${14} /></button></div>`)}
    <div class="row"><input class="input mono" placeholder="NAME" aria-label=${"New " + label + " name"} value=${draft[0]} onInput=${(e) => setDraft([e.target.value, draft[1]])} />
      <input class="input mono" placeholder="value" aria-label=${"New " + label + " value"} value=${draft[1]} onInput=${(e) => setDraft([draft[0], e.target.value])} onKeyDown=${(e) => e.key === "Enter" && add()} />
      <button type="button" class="btn sm" onClick=${add} disabled=${!!err}>Add</button></div>
    ${err ? html`<div class="err">${err}</div>` : null}</div>`;
}

/** agentFormState builds the form state from an agent (edit) or defaults (new). */
export function agentFormState(agent) {
  if (!agent) {
    return { name: "", title: "", role: "general", reportsTo: "", capabilities: "", icon: "", adapterType: "claude_local",
      adapterConfig: adapterDefaults("claude_local"), heartbeat: defaultHeartbeat(), budget: "" };
  }
  const rc = agent.runtimeConfig || {};
  return { name: agent.name, title: agent.title || "", role: agent.role, reportsTo: agent.reportsTo || "", capabilities: agent.capabilities || "",
    icon: agent.icon || "", adapterType: agent.adapterType, adapterConfig: { ...(agent.adapterConfig || {}) },
    heartbeat: { ...defaultHeartbeat(), ...(rc.heartbeat || {}) }, budget: agent.budgetMonthlyCents ? String(agent.budgetMonthlyCents / 100) : "" };
}

/** agentBody turns form state into the create/PATCH body. */
export function agentBody(f, existing) {
  const cfg = { ...f.adapterConfig };
  for (const k of Object.keys(cfg)) if (cfg[k] === "" || cfg[k] === undefined) delete cfg[k];
  if (typeof cfg.payloadTemplate === "string") { try { cfg.payloadTemplate = JSON.parse(cfg.payloadTemplate); } catch { /* keep text */ } }
  const body = {
    name: f.name.trim(), role: f.role, title: f.title.trim() || null, reportsTo: f.reportsTo || null, capabilities: f.capabilities.trim() || null,
    adapterType: f.adapterType, adapterConfig: cfg,
    runtimeConfig: { ...((existing && existing.runtimeConfig) || {}), heartbeat: f.heartbeat },
    budgetMonthlyCents: Math.round((parseFloat(f.budget) || 0) * 100),
  };
  if (f.icon) body.icon = f.icon;
  return body;
}

/** AgentForm renders every section of the agent form over a state object. */
export function AgentForm({ company, agents, f, set, errors = {}, self }) {
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState(null);
  useEffect(() => setTest(null), [f.adapterType]);
  const runTest = async () => {
    setTesting(true);
    try { setTest(await api.testEnvironment(company.id, f.adapterType, { adapterConfig: agentBody(f).adapterConfig })); }
    catch (e) { setTest({ status: "fail", checks: [{ level: "error", message: e.message }] }); }
    finally { setTesting(false); }
  };
  const env = (f.adapterConfig && f.adapterConfig.env) || {};
  const hb = f.heartbeat;
  const setHb = (patch) => set({ ...f, heartbeat: { ...hb, ...patch } });
  const unit = hb.intervalSec % 3600 === 0 ? 3600 : 60;
  // Name takes the mount focus on the new-agent page only: on an agent's configuration
  // the form is there to change one field, and the cursor belongs where the user puts it.
  return html`<div>
    <section class="section" style="margin-top:0"><h2>Identity</h2>
      <div class="grid2">
        <${Field} id="agent-name" label="Name" err=${errors.name}><input id="agent-name" class="input" autofocus=${!self} required value=${f.name} onInput=${(e) => set({ ...f, name: e.target.value })} /></${Field}>
        <${Field} id="agent-title" label="Title"><input id="agent-title" class="input" placeholder="Chief Executive Officer" value=${f.title} onInput=${(e) => set({ ...f, title: e.target.value })} /></${Field}>
        <${Field} id="agent-role" label="Role"><select id="agent-role" class="select" value=${f.role} onChange=${(e) => set({ ...f, role: e.target.value })}>
          ${AGENT_ROLES.map((r) => html`<option value=${r}>${roleLabel(r)}</option>`)}</select></${Field}>
        <${Field} id="agent-reports" label="Reports to"><select id="agent-reports" class="select" value=${f.reportsTo} onChange=${(e) => set({ ...f, reportsTo: e.target.value })}>
          <option value="">Nobody (top level)</option>
          ${(agents || []).filter((a) => a.status !== "terminated" && (!self || a.id !== self.id)).map((a) => html`<option value=${a.id}>${a.name}</option>`)}</select></${Field}>
      </div>
      <${Field} id="agent-cap" label="Capabilities" hint="What this agent is good at; other agents read it when delegating">
        <textarea id="agent-cap" class="textarea" rows="2" value=${f.capabilities} onInput=${(e) => set({ ...f, capabilities: e.target.value })} /></${Field}>
    </section>
    <section class="section"><h2>Adapter</h2>
      <${AdapterCards} value=${f.adapterType} onChange=${(t) => set({ ...f, adapterType: t, adapterConfig: t === f.adapterType ? f.adapterConfig : adapterDefaults(t) })} />
      <${AdapterFields} companyId=${company.id} type=${f.adapterType} cfg=${f.adapterConfig} set=${(c) => set({ ...f, adapterConfig: c })} />
      <div class="row" style="margin:6px 0"><button type="button" class="btn sm" disabled=${testing} onClick=${runTest}>${testing ? html`<span class="spinner" />` : null}Test environment</button>
        <span class="muted small">Checks the command, working directory and login on this machine.</span></div>
      <${EnvTest} result=${test} />
    </section>
    <section class="section"><h2>Environment</h2>
      <${EnvEditor} cid=${company.id} label="Variables" value=${env} onChange=${(e) => set({ ...f, adapterConfig: { ...f.adapterConfig, env: e } })} />
    </section>
    <section class="section"><h2>Heartbeat</h2>
      <label class="check"><input type="checkbox" checked=${hb.enabled} onChange=${(e) => setHb({ enabled: e.target.checked })} />Enable timer</label>
      ${hb.enabled ? html`<div class="row" style="margin:8px 0 10px 24px"><label for="hb-interval" class="small">Every</label>
        <input id="hb-interval" class="input" type="number" min="1" style="width:90px" value=${hb.intervalSec / unit}
          onInput=${(e) => setHb({ intervalSec: Math.max(30, Math.round(Number(e.target.value) * unit)) })} />
        <select class="select" style="width:110px" aria-label="Interval unit" value=${unit} onChange=${(e) => setHb({ intervalSec: Math.max(30, (hb.intervalSec / unit) * Number(e.target.value)) })}>
          <option value="60">minutes</option><option value="3600">hours</option></select></div>` : null}
      <div style="margin-top:8px" class="col">
        <label class="check"><input type="checkbox" checked=${hb.wakeOnDemand} onChange=${(e) => setHb({ wakeOnDemand: e.target.checked })} />Wake on assignment, comments and mentions</label>
        <label class="check"><input type="checkbox" checked=${hb.skipWhenNoActionableWork} onChange=${(e) => setHb({ skipWhenNoActionableWork: e.target.checked })} />
          <span>Skip when there is no work<div class="hint muted small">Timer wakes with nothing assigned cost no tokens</div></span></label>
      </div>
      <div class="field" style="margin-top:10px;max-width:220px"><label for="hb-max">Max concurrent runs</label>
        <input id="hb-max" class="input" type="number" min="1" max="50" value=${hb.maxConcurrentRuns} onInput=${(e) => setHb({ maxConcurrentRuns: Math.min(50, Math.max(1, Number(e.target.value) || 1)) })} /></div>
    </section>
    <section class="section"><h2>Budget</h2>
      <div class="field" style="max-width:220px"><label for="agent-budget">Monthly budget ($)</label>
        <input id="agent-budget" class="input" type="number" min="0" step="0.01" placeholder="0 = none" value=${f.budget} onInput=${(e) => set({ ...f, budget: e.target.value })} /></div>
    </section>
  </div>`;
}

