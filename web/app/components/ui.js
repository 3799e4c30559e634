// Small shared widgets: buttons with a busy state, avatars, status badges, tabs, empty
// and loading states, and the page frame (top bar, content, properties panel).
import { html, useContext, useEffect, useState, createContext } from "../preact.js";
import { Link } from "../router.js";
import { useDelayed } from "../data.js";
import { Icon, StatusGlyph, PriorityGlyph } from "./icons.js";
import { agentStatus, runStatus, initials, statusLabel, priorityLabel } from "../format.js";

/** ShellContext carries what the shell provides to pages (company, live counts, UI toggles). */
export const ShellContext = createContext({});
export const useShell = () => useContext(ShellContext);

/** Button runs an async onClick with a spinner, disabled while it runs. */
export function Button({ onClick, children, class: cls = "", disabled, busy: busyProp, ...rest }) {
  const [busy, setBusy] = useState(false);
  const click = async (e) => {
    if (busy) return;
    const r = onClick && onClick(e);
    if (r && typeof r.then === "function") {
      setBusy(true);
      try { await r; } catch { /* the API layer already toasted */ } finally { setBusy(false); }
    }
  };
  const b = busy || busyProp;
  return html`<button type="button" class=${"btn " + cls} disabled=${disabled || b} aria-busy=${b ? "true" : undefined} onClick=${click} ...${rest}>
    ${b ? html`<span class="spinner" aria-hidden="true" />` : null}${children}</button>`;
}

/** Avatar shows initials; agents get the accent tint. */
export function Avatar({ name, agent, lg }) {
  return html`<span class=${"avatar" + (agent ? " agent" : "") + (lg ? " lg" : "")} aria-hidden="true">${initials(name)}</span>`;
}

/** CompanyTile is the company logo, else its initials on the brand colour. */
export function CompanyTile({ company, lg }) {
  if (!company) return html`<span class=${"tile" + (lg ? " lg" : "")} />`;
  if (company.logoUrl) return html`<img class=${"tile" + (lg ? " lg" : "")} src=${company.logoUrl} alt="" />`;
  return html`<span class=${"tile" + (lg ? " lg" : "")} style=${company.brandColor ? `background:${company.brandColor}` : ""} aria-hidden="true">${initials(company.name)}</span>`;
}

/** AgentStatus is a dot plus the text label: status is never colour alone. */
export function AgentStatus({ status, title }) {
  const [label, color] = agentStatus(status);
  return html`<span class="row nowrap" style="gap:6px" title=${title}><span class=${"dot " + color} aria-hidden="true" />${label}</span>`;
}

/** RunBadge is a run status pill with its label. */
export function RunBadge({ status }) {
  const [label, color] = runStatus(status);
  return html`<span class=${"badge " + color}>${status === "running" ? html`<span class="live-dot" aria-hidden="true" />` : null}${label}</span>`;
}

/** IssueStatus renders the glyph and (optionally) the label. */
export function IssueStatus({ status, label }) {
  return html`<span class="row nowrap" style="gap:6px"><${StatusGlyph} status=${status} />${label ? statusLabel(status) : html`<span class="sr-only">${statusLabel(status)}</span>`}</span>`;
}

export function IssuePriority({ priority, label }) {
  return html`<span class="row nowrap" style="gap:6px"><${PriorityGlyph} priority=${priority} />${label ? priorityLabel(priority) : html`<span class="sr-only">${priorityLabel(priority)} priority</span>`}</span>`;
}

/** Prop is one key/value row of a properties panel; values left-align whatever they hold. */
export function Prop({ k, children, id }) {
  return html`<div class="prop"><span class="k" id=${id}>${k}</span><span class="v">${children}</span></div>`;
}

/** Pill is a status badge from a [label, colour] pair: the label is always shown. */
export function Pill({ value }) {
  const [label, color] = value;
  return html`<span class=${"badge " + color}>${label}</span>`;
}

/** Tabs renders a tablist; each tab is a link so tabs are addressable URLs. */
export function Tabs({ tabs, current, label = "Sections" }) {
  return html`<div class="tabs" role="tablist" aria-label=${label}>
    ${tabs.map((t) => html`<${Link} role="tab" class="tab" href=${t.href} aria-selected=${t.key === current ? "true" : "false"} replace=${true}>
      ${t.label}${t.count != null ? html`<span class="count">${t.count}</span>` : null}</${Link}>`)}
  </div>`;
}

/** Empty is a list's empty state: one sentence and the primary action. */
export function Empty({ children, action, small }) {
  return html`<div class=${"empty" + (small ? " small" : "")}><div>${children}</div>${action || null}</div>`;
}

/** Loading shows skeleton lines, but only after 150 ms so fast loads never flash. */
export function Loading({ lines = 4 }) {
  const show = useDelayed(true, 150);
  if (!show) return null;
  return html`<div aria-busy="true" aria-label="Loading">${Array.from({ length: lines }, (_, i) => html`<div class="skeleton" style=${`width:${90 - i * 12}%`} />`)}</div>`;
}

/** ErrorBox shows a load failure inline (the toast already carried it). */
export function ErrorBox({ error, retry }) {
  return html`<div class="error-box row" role="alert"><${Icon} name="alert" /><span class="grow">${error ? error.message : "Something went wrong"}</span>
    ${retry ? html`<button class="btn sm" onClick=${retry}>Retry</button>` : null}</div>`;
}

/**
 * Query renders a useQuery result: skeleton while the first load runs, an error box when
 * it failed with nothing cached, else children(data).
 */
export function Query({ q, lines, children }) {
  if (q.data !== undefined) return children(q.data);
  if (q.error) return html`<${ErrorBox} error=${q.error} retry=${q.reload} />`;
  return html`<${Loading} lines=${lines} />`;
}

/**
 * Page is one screen: the top bar (breadcrumb and actions), the main landmark, and an
 * optional properties panel. It sets the document title.
 */
export function Page({ title, crumbs = [], actions, panel, children, width = "", h1 = true }) {
  const shell = useShell();
  useEffect(() => {
    const parts = [title];
    if (shell.company) parts.push(shell.company.name);
    parts.push("Paperclip");
    const live = shell.liveCount || 0;
    document.title = (live > 0 ? `(${live}) ` : "") + parts.filter(Boolean).join(" · ");
  }, [title, shell.company && shell.company.name, shell.liveCount]);
  const showPanel = panel && shell.panelOpen !== false;
  return html`
    <header class="topbar">
      <button class="btn ghost icon hamburger" aria-label="Open navigation" onClick=${() => shell.setDrawer && shell.setDrawer(true)}><${Icon} name="menu" /></button>
      <nav class="crumbs" aria-label="Breadcrumb">
        ${crumbs.map((c) => html`<${Link} href=${c.href}>${c.label}</${Link}><span class="sep" aria-hidden="true">›</span>`)}
        ${h1 ? html`<h1>${title}</h1>` : html`<span class="ellipsis" style="font-weight:600">${title}</span>`}
      </nav>
      ${actions || null}
      ${panel ? html`<button class="btn ghost icon" aria-label=${showPanel ? "Hide properties" : "Show properties"} aria-pressed=${showPanel ? "true" : "false"}
        onClick=${() => shell.togglePanel && shell.togglePanel()} title="Toggle properties (])"><${Icon} name="panel" /></button>` : null}
    </header>
    <div class="content-wrap">
      <main class="content" id="main" tabindex="-1">
        <div class=${"page " + width}>${children}</div>
      </main>
      ${showPanel ? html`<aside class="props-panel" aria-label="Properties">${panel}</aside>` : null}
    </div>`;
}
