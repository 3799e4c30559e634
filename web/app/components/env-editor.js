// Environment bindings editor (agent adapterConfig.env, project env): one row per key,
// each a plain value or a reference to one of the company's secrets. Secret values are
// never shown: references name the secret, and redacted plain values stay redacted
// (sending the placeholder back keeps what the server stored).
import { html, useState } from "../preact.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Icon } from "./icons.js";
import { Dialog } from "./dialog.js";

const REDACTED = "***REDACTED***";
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** binding normalises a stored env value (legacy string or typed object). */
function binding(v) {
  if (v && typeof v === "object") return v.type === "secret_ref" ? { type: "secret_ref", secretId: v.secretId, version: v.version || "latest" } : { type: "plain", value: v.value ?? "" };
  return { type: "plain", value: v == null ? "" : String(v) };
}

/** useSecrets lists the company's secrets; null when the server has no secrets API. */
export function useSecrets(cid) {
  const q = useQuery(["secrets", cid], () => api.listSecrets(cid).catch((e) => (e.status === 404 || e.status === 403 ? null : Promise.reject(e))));
  return q.data;
}

function NewSecret({ cid, name, onClose }) {
  const [f, setF] = useState({ name: name || "", value: "" });
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!f.name.trim() || !f.value || busy) return;
    setBusy(true);
    try {
      const s = await api.createSecret(cid, { name: f.name.trim(), value: f.value });
      invalidate("secrets");
      onClose(s);
    } catch { setBusy(false); }
  };
  return html`<${Dialog} title="Create secret" onClose=${() => onClose(null)} footer=${html`
      <button class="btn right" onClick=${() => onClose(null)}>Cancel</button>
      <button class="btn primary" disabled=${busy || !f.name.trim() || !f.value} onClick=${save}>${busy ? html`<span class="spinner" />` : null}Create secret</button>`}>
    <div class="dialog-body">
      <div class="field"><label for="ns-name">Name</label><input id="ns-name" class="input" autofocus value=${f.name} onInput=${(e) => setF({ ...f, name: e.target.value })} /></div>
      <div class="field"><label for="ns-value">Value</label><input id="ns-value" class="input mono" type="password" autocomplete="off" value=${f.value}
        onInput=${(e) => setF({ ...f, value: e.target.value })} onKeyDown=${(e) => e.key === "Enter" && save()} />
        <div class="hint">Stored encrypted. It is never shown again, only referenced.</div></div>
    </div>
  </${Dialog}>`;
}

/**
 * EnvEditor edits an env binding map. value: {KEY: binding}; onChange(next).
 * Names starting PAPERCLIP_ are refused: the runtime owns them.
 */
export function EnvEditor({ cid, value, onChange, label = "Environment variables" }) {
  const secrets = useSecrets(cid);
  const [draft, setDraft] = useState("");
  const [creating, setCreating] = useState(null); // key awaiting a new secret
  const rows = Object.entries(value || {}).map(([k, v]) => [k, binding(v)]);
  const d = draft.trim();
  const err = !d ? null : /^PAPERCLIP_/i.test(d) ? "Names starting with PAPERCLIP_ are reserved for the runtime"
    : !NAME.test(d) ? "Letters, digits and _ only; not starting with a digit" : value && value[d] !== undefined ? "Already set" : null;
  const put = (k, b) => onChange({ ...(value || {}), [k]: b });
  const add = () => { if (!d || err) return; put(d, { type: "plain", value: "" }); setDraft(""); };
  const remove = (k) => { const n = { ...(value || {}) }; delete n[k]; onChange(n); };
  const live = (secrets || []).filter((s) => s.status !== "deleted").sort((a, b) => a.name.localeCompare(b.name));
  return html`<div class="field env-editor"><span class="field-label">${label}</span>
    ${rows.length ? html`<div class="env-rows">${rows.map(([k, b]) => html`<div class="env-row" data-env=${k}>
      <span class="mono env-key" title=${k}>${k}</span>
      <select class="select" aria-label=${"Type of " + k} value=${b.type} onChange=${(e) => {
          if (e.target.value !== "secret_ref") put(k, { type: "plain", value: "" });
          else if (live.length) put(k, { type: "secret_ref", secretId: live[0].id, version: "latest" });
          else setCreating(k);
        }}>
        <option value="plain">Plain</option><option value="secret_ref" disabled=${secrets == null}>Secret</option></select>
      ${b.type === "secret_ref"
        ? html`<select class="select" aria-label=${"Secret for " + k} value=${b.secretId} onChange=${(e) => (e.target.value === "__new" ? setCreating(k) : put(k, { ...b, secretId: e.target.value }))}>
            ${b.secretId && !live.some((s) => s.id === b.secretId) ? html`<option value=${b.secretId}>Unknown secret</option>` : null}
            ${live.map((s) => html`<option value=${s.id}>${s.name}${s.status !== "active" ? ` (${s.status})` : ""}</option>`)}
            <option value="__new">Create secret…</option></select>`
        : html`<input class="input mono" aria-label=${"Value of " + k} value=${b.value === REDACTED ? "" : b.value}
            placeholder=${b.value === REDACTED ? "Stored value hidden — type to replace" : "value"} onInput=${(e) => put(k, { type: "plain", value: e.target.value || (b.value === REDACTED ? REDACTED : "") })} />`}
      <button type="button" class="btn ghost icon sm" aria-label=${"Remove " + k} onClick=${() => remove(k)}><${Icon} name="x" size=${14} /></button>
    </div>`)}</div>` : null}
    <div class="row"><input class="input mono" style="max-width:260px" placeholder="NAME" aria-label=${"New " + label + " name"} value=${draft}
        onInput=${(e) => setDraft(e.target.value)} onKeyDown=${(e) => e.key === "Enter" && (e.preventDefault(), add())} />
      <button type="button" class="btn sm" onClick=${add} disabled=${!d || !!err}>Add variable</button></div>
    ${err ? html`<div class="err">${err}</div>` : null}
    ${secrets == null ? html`<div class="hint">Secret references become available when the server offers company secrets.</div>` : null}
    ${creating ? html`<${NewSecret} cid=${cid} name=${creating} onClose=${(s) => { if (s) put(creating, { type: "secret_ref", secretId: s.id, version: "latest" }); setCreating(null); }} />` : null}
  </div>`;
}
