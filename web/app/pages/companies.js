// Companies: every company as a card with counts and spend; create, archive.
import { html, useState } from "../preact.js";
import { Link, navigate } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Empty, CompanyTile, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Picker, usePicker, Confirm } from "../components/dialog.js";
import { money, plural } from "../format.js";
import { toast } from "../components/toasts.js";

export function CompaniesPage() {
  const shell = useShell();
  const stats = useQuery(["companyStats"], () => api.companyStats().catch(() => ({})));
  const [showArchived, setShowArchived] = useState(false);
  const [picker, openPicker, closePicker] = usePicker();
  const [confirm, setConfirm] = useState(null);
  const list = (shell.companies || []).filter((c) => showArchived || c.status !== "archived");
  const actions = html`<${Link} class="btn primary sm" href="/onboarding?new=1"><${Icon} name="plus" size=${14} />New company</${Link}>`;
  const canDelete = !!(shell.health && shell.health.features && shell.health.features.companyDeletionEnabled);
  const st = stats.data || {};
  return html`<${Page} title="Companies" actions=${actions}>
    <div class="row wrap" style="margin-bottom:14px"><span class="muted grow">${plural(list.length, "company", "companies")}</span>
      <button class="btn sm" aria-pressed=${showArchived ? "true" : "false"} onClick=${() => setShowArchived(!showArchived)}>Show archived</button>
      <${Link} class="btn sm" href="/companies/import"><${Icon} name="upload" size=${14} />Import company</${Link}></div>
    ${list.length === 0 ? html`<${Empty} action=${html`<${Link} class="btn primary" href="/onboarding">New company</${Link}>`}>No companies yet.</${Empty}>` : html`
    <div class="agent-cards">${list.map((c) => {
      const s = st[c.id] || {};
      return html`<div class="card agent-card" style="padding:14px">
        <div class="row"><${CompanyTile} company=${c} lg /><div class="grow"><${Link} href=${`/${c.issuePrefix}/dashboard`}><strong>${c.name}</strong></${Link}>
          <div class="muted small"><span class="ident">${c.issuePrefix}</span> · ${c.status}</div></div>
          <button class="btn ghost icon sm" aria-label=${"Actions for " + c.name} aria-haspopup="listbox" onClick=${(e) => openPicker("menu", e, { company: c })}><${Icon} name="more" size=${14} /></button></div>
        <div class="muted small">${s.agentCount != null ? plural(s.agentCount, "agent") + " · " + plural(s.issueCount || 0, "issue") + " · " : ""}${money(c.spentMonthlyCents)} this month</div>
      </div>`;
    })}</div>`}
    ${picker ? html`<${Picker} anchor=${picker.anchor} align="right" label="Company actions" onClose=${closePicker}
      items=${[{ value: "open", label: "Open" },
        picker.company.status === "archived" ? { value: "reactivate", label: "Reactivate" } : { value: "archive", label: "Archive…" },
        ...(canDelete ? [{ value: "delete", label: "Delete…" }] : [])]}
      onSelect=${async (v) => {
        const c = picker.company;
        if (v === "open") navigate(`/${c.issuePrefix}/dashboard`);
        else if (v === "reactivate") { await api.updateCompany(c.id, { status: "active" }); invalidate("companies"); toast({ message: `${c.name} is active again` }); }
        else setConfirm({ company: c, kind: v });
      }} />` : null}
    ${confirm && confirm.kind === "archive" ? html`<${Confirm} title=${"Archive " + confirm.company.name} confirmLabel="Archive" message="Archiving pauses every agent and cancels running work. The company can be reactivated later."
      onConfirm=${async () => { await api.archiveCompany(confirm.company.id); invalidate("companies"); }} onClose=${() => setConfirm(null)} />` : null}
    ${confirm && confirm.kind === "delete" ? html`<${Confirm} title=${"Delete " + confirm.company.name} typeName=${confirm.company.name} confirmLabel="Delete company"
      message="Everything in this company is deleted for good." onConfirm=${async () => { await api.deleteCompany(confirm.company.id); invalidate("companies"); }} onClose=${() => setConfirm(null)} />` : null}
  </${Page}>`;
}

