// Company settings: general (name, description), branding (logo upload then link, brand
// colour), budget and the hire-approval switch, each saved on its own; then the danger
// zone (archive; delete with the name typed, when the instance allows deletion).
import { html, useRef, useState } from "../preact.js";
import { navigate, Link } from "../router.js";
import { Icon } from "../components/icons.js";
import * as api from "../api.js";
import { invalidate, useQuery } from "../data.js";
import { Page, Button, CompanyTile, useShell } from "../components/ui.js";
import { Confirm } from "../components/dialog.js";
import { toast } from "../components/toasts.js";
import { fieldErrors } from "./agent-new.js";

const LOGO_TYPES = "image/png,image/jpeg,image/webp,image/gif,image/svg+xml";

function Section({ title, children, onSave, id }) {
  return html`<section class="card card-pad section" aria-labelledby=${id}><h2 id=${id} style="margin-bottom:12px">${title}</h2>${children}
    ${onSave ? html`<div class="row" style="margin-top:14px"><${Button} class="primary sm" onClick=${onSave}>Save</${Button}></div>` : null}</section>`;
}

function Err({ e }) { return e ? html`<div class="err">${e}</div>` : null; }

function Logo({ co }) {
  const input = useRef(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  // Two steps: upload the image as an asset, then point the company at it.
  const upload = async (file) => {
    if (!file) return;
    setBusy(true);
    setErr(null);
    try {
      const asset = await api.uploadLogo(co.id, file);
      await api.updateCompany(co.id, { logoAssetId: asset.assetId });
      invalidate("companies");
      toast({ message: "Logo updated" });
    } catch (e) { setErr(e.message); } finally { setBusy(false); if (input.current) input.current.value = ""; }
  };
  const remove = async () => {
    await api.updateCompany(co.id, { logoAssetId: null });
    invalidate("companies");
  };
  return html`<div class="field"><span class="field-label">Logo</span>
    <div class="row">
      ${co.logoUrl ? html`<img class="logo-preview" src=${co.logoUrl} alt=${co.name + " logo"} />` : html`<${CompanyTile} company=${co} lg />`}
      <input ref=${input} id="logo-file" type="file" accept=${LOGO_TYPES} class="sr-only" onChange=${(e) => upload(e.target.files[0])} />
      <button type="button" class="btn sm" disabled=${busy} onClick=${() => input.current && input.current.click()}>${busy ? html`<span class="spinner" />` : null}${co.logoUrl ? "Replace" : "Upload logo"}</button>
      ${co.logoUrl ? html`<${Button} class="sm ghost" onClick=${remove}>Remove</${Button}>` : null}
    </div>
    <div class="hint">PNG, JPEG, WebP, GIF or SVG. SVGs are cleaned by the server and only ever shown as images.</div>
    <${Err} e=${err} /></div>`;
}

// Skills imported with company packages; the list is hidden on servers without them.
function Skills({ co }) {
  const skills = useQuery(["skills", co.id], () => api.listSkills(co.id).catch((e) => (e.status === 404 ? null : Promise.reject(e))));
  const [del, setDel] = useState(null);
  if (!skills.data) return null;
  return html`<section class="card card-pad section" aria-labelledby="cs-skills"><h2 id="cs-skills" style="margin-bottom:8px">Skills</h2>
    ${skills.data.length === 0 ? html`<p class="muted small" style="margin:0">No company skills yet. Importing a package with skills adds them here.</p>` : html`<ul class="plain-list">
      ${skills.data.map((k) => html`<li class="row" data-skill=${k.slug}><div class="grow"><strong>${k.name || k.slug}</strong> <span class="mono small muted">${k.slug}</span>
        ${k.description ? html`<div class="muted small">${k.description}</div>` : null}
        <div class="muted small">${(k.files || []).length} files · used by ${(k.usedByAgentIds || []).length} agents</div></div>
        <button class="btn sm danger" onClick=${() => setDel(k)}>Delete</button></li>`)}</ul>`}
    ${del ? html`<${Confirm} title=${"Delete skill " + del.slug} confirmLabel="Delete skill" message="Agents using it stop receiving it on their next run."
      onConfirm=${async () => { await api.deleteSkill(co.id, del.slug); invalidate("skills", "agents"); }} onClose=${() => setDel(null)} />` : null}
  </section>`;
}

export function CompanySettingsPage() {
  const shell = useShell();
  const co = shell.company;
  const health = shell.health || {};
  const [f, setF] = useState({ name: co.name, description: co.description || "", brandColor: co.brandColor || "", budget: co.budgetMonthlyCents ? String(co.budgetMonthlyCents / 100) : "", requireApproval: co.requireBoardApprovalForNewAgents });
  const [errors, setErrors] = useState({});
  const [confirm, setConfirm] = useState(null); // "archive" | "delete"
  const save = (body, what) => async () => {
    try {
      await api.updateCompany(co.id, body);
      setErrors({});
      invalidate("companies", "dashboard");
      toast({ message: `${what} saved` });
    } catch (e) { setErrors(fieldErrors(e)); }
  };
  const set = (k) => (e) => setF({ ...f, [k]: e.target.type === "checkbox" ? e.target.checked : e.target.value });
  const canDelete = health.features ? health.features.companyDeletionEnabled !== false : false;
  return html`<${Page} title="Company settings" width="narrow">
    <${Section} title="General" id="cs-general" onSave=${save({ name: f.name.trim(), description: f.description || null }, "General settings")}>
      <div class="field"><label for="cs-name">Name</label><input id="cs-name" class="input" value=${f.name} onInput=${set("name")} /><${Err} e=${errors.name} /></div>
      <div class="field"><label for="cs-desc">Description</label><textarea id="cs-desc" class="textarea" rows="3" value=${f.description} onInput=${set("description")} /></div>
      <div class="muted small">Issue prefix <span class="ident">${co.issuePrefix}</span> — fixed, it is part of every issue identifier.</div>
    </${Section}>
    <${Section} title="Branding" id="cs-branding" onSave=${save({ brandColor: f.brandColor || null }, "Brand colour")}>
      <${Logo} co=${co} />
      <div class="field"><label for="cs-color">Brand colour</label><div class="row">
        <input type="color" aria-label="Pick brand colour" value=${/^#[0-9a-f]{6}$/i.test(f.brandColor) ? f.brandColor : "#52525b"} onInput=${set("brandColor")} />
        <input id="cs-color" class="input mono" style="max-width:140px" placeholder="Auto" value=${f.brandColor} onInput=${set("brandColor")} />
        <button class="btn sm" aria-pressed=${!f.brandColor ? "true" : "false"} onClick=${() => setF({ ...f, brandColor: "" })}>Auto</button>
        <span class="row muted small" style="margin-left:8px">Preview <${CompanyTile} company=${{ ...co, logoUrl: null, brandColor: f.brandColor || null }} /></span></div>
        <${Err} e=${errors.brandColor} /></div>
    </${Section}>
    <${Section} title="Budget and hiring" id="cs-budget" onSave=${save({ budgetMonthlyCents: Math.round((parseFloat(f.budget) || 0) * 100), requireBoardApprovalForNewAgents: f.requireApproval }, "Budget and hiring")}>
      <div class="field" style="max-width:240px"><label for="cs-budget-input">Monthly budget ($)</label><input id="cs-budget-input" class="input" type="number" min="0" step="1" placeholder="No budget" value=${f.budget} onInput=${set("budget")} />
        <div class="hint">0 or empty means no budget.</div><${Err} e=${errors.budgetMonthlyCents} /></div>
      <label class="check"><input id="cs-approval" type="checkbox" checked=${f.requireApproval} onChange=${set("requireApproval")} />
        <span>Require board approval for new hires<div class="hint">Agents (and the New agent form) then file a hire request in Approvals instead of creating the agent.</div></span></label>
    </${Section}>
    <section class="card card-pad section" aria-labelledby="cs-packages"><h2 id="cs-packages" style="margin-bottom:8px">Company package</h2>
      <p class="muted small" style="margin-top:0">Move this company between Paperclip instances as a folder of markdown files, or bring agents and projects in from one.</p>
      <div class="row"><${Link} class="btn" href=${`/${co.issuePrefix}/company/export`}><${Icon} name="download" size=${14} />Export company</${Link}>
        <${Link} class="btn" href=${`/${co.issuePrefix}/company/import`}><${Icon} name="upload" size=${14} />Import company</${Link}></div>
    </section>
    <${Skills} co=${co} />
    <section class="card card-pad section danger-zone" aria-labelledby="cs-danger"><h2 id="cs-danger" style="margin-bottom:8px">Danger zone</h2>
      <div class="row wrap" style="justify-content:space-between"><div><strong>Archive company</strong>
        <div class="muted small">Pauses every agent and cancels running work. Reactivate it from Companies.</div></div>
        <button class="btn danger" onClick=${() => setConfirm("archive")}>Archive company</button></div>
      ${canDelete ? html`<hr class="sep" /><div class="row wrap" style="justify-content:space-between"><div><strong>Delete company</strong>
        <div class="muted small">Removes the company and all its agents, issues, runs and files. This cannot be undone.</div></div>
        <button class="btn danger solid" onClick=${() => setConfirm("delete")}>Delete company…</button></div>` : null}
    </section>
    ${confirm === "archive" ? html`<${Confirm} title=${"Archive " + co.name} typeName=${co.name} confirmLabel="Archive company" message="Agents are paused and running work is cancelled."
      onConfirm=${async () => { await api.archiveCompany(co.id); invalidate("companies"); navigate("/companies"); }} onClose=${() => setConfirm(null)} />` : null}
    ${confirm === "delete" ? html`<${Confirm} title=${"Delete " + co.name} typeName=${co.name} confirmLabel="Delete company" message="Everything in this company is deleted for good."
      onConfirm=${async () => { await api.deleteCompany(co.id); invalidate("companies"); toast({ message: `Deleted ${co.name}` }); navigate("/companies"); }} onClose=${() => setConfirm(null)} />` : null}
  </${Page}>`;
}
