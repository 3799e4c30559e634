// Company settings: name, description, brand colour, budget, hire approvals; archive.
import { html, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { invalidate } from "../data.js";
import { Page, Button, CompanyTile, useShell } from "../components/ui.js";
import { Confirm } from "../components/dialog.js";
import { toast } from "../components/toasts.js";
import { fieldErrors } from "./agent-new.js";

export function CompanySettingsPage() {
  const shell = useShell();
  const co = shell.company;
  const [f, setF] = useState({ name: co.name, description: co.description || "", brandColor: co.brandColor || "", budget: co.budgetMonthlyCents ? String(co.budgetMonthlyCents / 100) : "", requireApproval: co.requireBoardApprovalForNewAgents });
  const [errors, setErrors] = useState({});
  const [archive, setArchive] = useState(false);
  const save = async () => {
    try {
      await api.updateCompany(co.id, { name: f.name.trim(), description: f.description || null, brandColor: f.brandColor || null,
        budgetMonthlyCents: Math.round((parseFloat(f.budget) || 0) * 100), requireBoardApprovalForNewAgents: f.requireApproval });
      setErrors({});
      invalidate("companies");
      toast({ message: "Settings saved" });
    } catch (e) { setErrors(fieldErrors(e)); }
  };
  return html`<${Page} title="Company settings" width="narrow">
    <section class="card card-pad"><h2 style="margin-bottom:12px">General</h2>
      <div class="row" style="margin-bottom:14px"><${CompanyTile} company=${{ ...co, brandColor: f.brandColor || null }} lg /><span class="muted small">Issue prefix <span class="ident">${co.issuePrefix}</span> (fixed)</span></div>
      <div class="field"><label for="cs-name">Name</label><input id="cs-name" class="input" value=${f.name} onInput=${(e) => setF({ ...f, name: e.target.value })} />${errors.name ? html`<div class="err">${errors.name}</div>` : null}</div>
      <div class="field"><label for="cs-desc">Description</label><textarea id="cs-desc" class="textarea" rows="3" value=${f.description} onInput=${(e) => setF({ ...f, description: e.target.value })} /></div>
      <div class="grid2">
        <div class="field"><label for="cs-color">Brand colour</label><div class="row"><input type="color" aria-label="Pick brand colour" value=${f.brandColor || "#52525b"} onInput=${(e) => setF({ ...f, brandColor: e.target.value })} />
          <input id="cs-color" class="input mono" placeholder="Auto" value=${f.brandColor} onInput=${(e) => setF({ ...f, brandColor: e.target.value })} />
          <button class="btn sm" onClick=${() => setF({ ...f, brandColor: "" })}>Auto</button></div>${errors.brandColor ? html`<div class="err">${errors.brandColor}</div>` : null}</div>
        <div class="field"><label for="cs-budget">Monthly budget ($)</label><input id="cs-budget" class="input" type="number" min="0" value=${f.budget} onInput=${(e) => setF({ ...f, budget: e.target.value })} /></div>
      </div>
      <label class="check"><input type="checkbox" checked=${f.requireApproval} onChange=${(e) => setF({ ...f, requireApproval: e.target.checked })} />Require board approval for new hires</label>
      <div class="row" style="margin-top:14px"><${Button} class="primary" onClick=${save}>Save</${Button}></div>
    </section>
    <section class="card card-pad section"><h2 style="margin-bottom:8px">Danger zone</h2>
      <p class="muted small">Archiving pauses every agent and cancels running work. Archived companies can be reactivated from Companies.</p>
      <button class="btn danger" onClick=${() => setArchive(true)}>Archive company</button></section>
    ${archive ? html`<${Confirm} title=${"Archive " + co.name} typeName=${co.name} confirmLabel="Archive" message="Agents are paused and running work is cancelled."
      onConfirm=${async () => { await api.archiveCompany(co.id); invalidate("companies"); navigate("/companies"); }} onClose=${() => setArchive(false)} />` : null}
  </${Page}>`;
}
