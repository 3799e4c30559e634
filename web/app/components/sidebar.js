// The sidebar: company switcher, quick actions, the Work / Org / Oversight / Settings
// sections with their badges, and the footer (board user, theme, version).
import { html, useEffect, useState } from "../preact.js";
import { Link, navigate } from "../router.js";
import { Icon } from "./icons.js";
import { CompanyTile, useShell } from "./ui.js";
import { Picker, usePicker } from "./dialog.js";
import { themePref, setTheme, onTheme } from "../theme.js";
import * as api from "../api.js";
import { invalidate } from "../data.js";
import { initials } from "../format.js";

function NavItem({ href, icon, label, badge, badgeClass = "", current, onClick }) {
  const body = html`<${Icon} name=${icon} /><span class="nav-label">${label}</span>
    ${badge ? html`<span class=${"nav-badge " + badgeClass} aria-label=${badge.label}><span aria-hidden="true">${badge.text}</span></span>` : null}`;
  if (!href) return html`<button type="button" class="nav-item" onClick=${onClick} title=${label}>${body}</button>`;
  return html`<${Link} class="nav-item" href=${href} title=${label} aria-current=${current ? "page" : undefined} onClick=${onClick}>${body}</${Link}>`;
}

function ThemeSwitch() {
  const [pref, setPref] = useState(themePref());
  useEffect(() => onTheme(setPref), []);
  const opts = [["light", "sun", "Light"], ["dark", "moon", "Dark"], ["system", "monitor", "System"]];
  return html`<div class="btn-group" role="group" aria-label="Theme">
    ${opts.map(([v, icon, label]) => html`<button type="button" class="btn icon sm" aria-label=${label + " theme"} title=${label}
      aria-pressed=${pref === v ? "true" : "false"} onClick=${() => setTheme(v)}><${Icon} name=${icon} size=${14} /></button>`)}
  </div>`;
}

/** Sidebar is the primary navigation landmark. */
export function Sidebar({ section, badges, liveCount, agentErrors, health, companies, onNewIssue, onSearch, collapsed }) {
  const shell = useShell();
  const company = shell.company;
  const [picker, openPicker, closePicker] = usePicker();
  const [showArchived, setShowArchived] = useState(false);
  const p = company ? "/" + company.issuePrefix : "";
  const close = () => shell.setDrawer && shell.setDrawer(false);
  const inboxRed = badges && badges.failedRuns > 0;
  const companyItems = () => {
    const list = (companies || []).filter((c) => showArchived || c.status !== "archived");
    return [
      ...list.map((c) => ({ value: c.id, label: c.name, hint: c.issuePrefix, icon: html`<${CompanyTile} company=${c} />` })),
      { value: "__archived", label: showArchived ? "Hide archived" : "Show archived" },
      { value: "__new", label: "New company…", icon: html`<${Icon} name="plus" />` },
      { value: "__manage", label: "Manage companies", icon: html`<${Icon} name="settings" />` },
    ];
  };
  const pickCompany = (v) => {
    if (v === "__archived") { setShowArchived(!showArchived); return; }
    if (v === "__new") navigate("/onboarding?new=1");
    else if (v === "__manage") navigate("/companies");
    else {
      const c = companies.find((x) => x.id === v);
      if (c) navigate("/" + c.issuePrefix + "/dashboard");
    }
    close();
  };
  return html`<nav class=${"sidebar" + (collapsed ? " collapsed" : "")} aria-label="Primary">
    <button type="button" class="switcher" aria-haspopup="listbox" aria-label=${company ? "Company: " + company.name + ". Switch company" : "Choose a company"}
        onClick=${(e) => openPicker("company", e)}>
      <${CompanyTile} company=${company} />
      <span class="switcher-name">${company ? company.name : "Paperclip"}</span>
      <${Icon} name="chevron-updown" size=${14} />
    </button>
    ${picker && picker.name === "company" ? html`<${Picker} anchor=${picker.anchor} label="Companies" items=${companyItems()} value=${company && company.id}
      multi=${false} onSelect=${pickCompany} onClose=${closePicker} search=${(companies || []).length > 6} />` : null}
    <div class="sidebar-scroll">
      ${company ? html`
        <${NavItem} icon="edit" label="New issue" onClick=${() => { close(); onNewIssue(); }} badge=${collapsed ? null : { text: "C", label: "shortcut c" }} badgeClass="kbd-badge" />
        <${NavItem} icon="search" label="Search" onClick=${() => { close(); onSearch(); }} />
        <div class="nav-section-title">Work</div>
        <${NavItem} href=${p + "/dashboard"} icon="dashboard" label="Dashboard" current=${section === "dashboard"} onClick=${close}
          badge=${liveCount ? { text: liveCount, label: liveCount + " live runs" } : null} badgeClass="live" />
        <${NavItem} href=${p + "/inbox"} icon="inbox" label="Inbox" current=${section === "inbox"} onClick=${close}
          badge=${badges && badges.inbox ? { text: badges.inbox, label: badges.inbox + " items need attention" + (inboxRed ? ", including failed runs" : "") } : null} badgeClass=${inboxRed ? "red" : ""} />
        <${NavItem} href=${p + "/issues"} icon="issues" label="Issues" current=${section === "issues"} onClick=${close} />
        <div class="nav-section-title">Org</div>
        <${NavItem} href=${p + "/agents"} icon="agents" label="Agents" current=${section === "agents"} onClick=${close}
          badge=${agentErrors ? { text: agentErrors, label: agentErrors + " agents in error" } : null} badgeClass="red" />
        <${NavItem} href=${p + "/org"} icon="org" label="Org chart" current=${section === "org"} onClick=${close} />
        <${NavItem} href=${p + "/goals"} icon="goals" label="Goals" current=${section === "goals"} onClick=${close} />
        <${NavItem} href=${p + "/projects"} icon="projects" label="Projects" current=${section === "projects"} onClick=${close} />
        <div class="nav-section-title">Oversight</div>
        <${NavItem} href=${p + "/approvals"} icon="approvals" label="Approvals" current=${section === "approvals"} onClick=${close}
          badge=${badges && badges.approvals ? { text: badges.approvals, label: badges.approvals + " approvals pending" } : null} />
        <${NavItem} href=${p + "/costs"} icon="costs" label="Costs" current=${section === "costs"} onClick=${close}
          badge=${company.budgetMonthlyCents > 0 && company.spentMonthlyCents / company.budgetMonthlyCents >= 0.8 ? { text: "!", label: "budget over 80 %" } : null} badgeClass="red" />
        <${NavItem} href=${p + "/activity"} icon="activity" label="Activity" current=${section === "activity"} onClick=${close} />
        <div class="nav-section-title">Settings</div>
        <${NavItem} href=${p + "/company/settings"} icon="settings" label="Company settings" current=${section === "company-settings"} onClick=${close} />
      ` : html`<div class="nav-section-title">Paperclip</div>
        <${NavItem} href="/companies" icon="dashboard" label="Companies" current=${section === "companies"} onClick=${close} />`}
      <${NavItem} href="/instance/settings/general" icon="server" label="Instance settings" current=${section === "instance"} onClick=${close} />
    </div>
    <div class="sidebar-footer">
      <span class="avatar" aria-hidden="true">${shell.user ? initials(shell.user.name || shell.user.email) : "LB"}</span>
      <span class="footer-text"><span class="ellipsis" style="display:block" data-user=${shell.user ? shell.user.email : undefined}
          title=${shell.user ? shell.user.email : undefined}>${shell.user ? shell.user.name || shell.user.email : "Local board"}</span>
        ${health ? html`<a href="/api/health" title="Instance health">v${health.version}</a>` : null}</span>
      ${shell.user ? html`<button type="button" class="btn ghost icon sm" aria-label="Sign out" title="Sign out" data-action="sign-out"
        onClick=${async () => { try { await api.signOut(); } finally { invalidate(); } }}><${Icon} name="logout" size=${14} /></button>` : null}
      ${collapsed ? null : html`<${ThemeSwitch} />`}
    </div>
  </nav>`;
}
