// Command palette (Ctrl/Cmd+K or /): pages, actions, issues (server search), agents and
// projects; arrows move, Enter runs, Esc closes; the last five used commands come first.
import { html, useEffect, useMemo, useRef, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { peek } from "../data.js";
import { Dialog } from "./dialog.js";
import { Icon, StatusGlyph } from "./icons.js";
import { cycleTheme } from "../theme.js";

const RECENT = "paperclip.recentCommands";
const PAGES = [
  ["dashboard", "Dashboard", "dashboard"], ["inbox", "Inbox", "inbox"], ["issues", "Issues", "issues"], ["agents", "Agents", "agents"],
  ["org", "Org chart", "org"], ["goals", "Goals", "goals"], ["projects", "Projects", "projects"], ["approvals", "Approvals", "approvals"],
  ["costs", "Costs", "costs"], ["activity", "Activity", "activity"], ["company/settings", "Company settings", "settings"],
];

function recentIds() {
  try { return JSON.parse(localStorage.getItem(RECENT) || "[]"); } catch { return []; }
}
function remember(id) {
  try { localStorage.setItem(RECENT, JSON.stringify([id, ...recentIds().filter((x) => x !== id)].slice(0, 5))); } catch { /* storage off */ }
}

/** Palette is the command palette dialog. */
export function Palette({ company, agents, onClose, onNewIssue, onRunHeartbeat }) {
  const [q, setQ] = useState("");
  const [issues, setIssues] = useState([]);
  const [active, setActive] = useState(0);
  const listRef = useRef(null);
  const inputRef = useRef(null);
  const p = company ? "/" + company.issuePrefix : "";

  useEffect(() => {
    if (!company || q.trim().length < 1) { setIssues([]); return undefined; }
    let live = true;
    const t = setTimeout(async () => {
      try {
        const rows = await api.listIssues(company.id, { q: q.trim(), limit: 10 });
        if (live) setIssues(rows || []);
      } catch { if (live) setIssues([]); }
    }, 150);
    return () => { live = false; clearTimeout(t); };
  }, [q, company && company.id]);

  const all = useMemo(() => {
    const items = [];
    if (company) {
      for (const [path, label, icon] of PAGES) items.push({ id: "go:" + path, section: "Go to", label, icon, run: () => navigate(p + "/" + path) });
    }
    items.push({ id: "go:instance", section: "Go to", label: "Instance settings", icon: "server", run: () => navigate("/instance/settings/general") });
    if (company) {
      items.push({ id: "act:new-issue", section: "Actions", label: "New issue", icon: "plus", run: () => onNewIssue() });
      items.push({ id: "act:new-agent", section: "Actions", label: "New agent", icon: "bot", run: () => navigate(p + "/agents/new") });
      items.push({ id: "act:new-project", section: "Actions", label: "New project", icon: "projects", run: () => navigate(p + "/projects?new=1") });
      items.push({ id: "act:new-goal", section: "Actions", label: "New goal", icon: "goals", run: () => navigate(p + "/goals?new=1") });
    }
    items.push({ id: "act:switch", section: "Actions", label: "Switch company…", icon: "chevron-updown", run: () => navigate("/companies") });
    items.push({ id: "act:theme", section: "Actions", label: "Toggle theme", icon: "moon", run: () => cycleTheme() });
    for (const a of agents || []) {
      if (a.status === "terminated") continue;
      items.push({ id: "run:" + a.id, section: "Actions", label: "Run heartbeat for " + a.name, icon: "play", run: () => onRunHeartbeat(a), searchOnly: true });
      items.push({ id: "agent:" + a.id, section: "Agents", label: a.name, hint: a.title || a.role, icon: "bot", run: () => navigate(p + "/agents/" + (a.urlKey || a.id)), searchOnly: true });
    }
    const projects = company ? peek(["projects", company.id]) : null;
    for (const pr of Array.isArray(projects) ? projects : []) {
      items.push({ id: "project:" + pr.id, section: "Projects", label: pr.name, icon: "projects", run: () => navigate(p + "/projects/" + (pr.urlKey || pr.id)), searchOnly: true });
    }
    return items;
  }, [company && company.id, agents]);

  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    let list;
    if (!needle) {
      const rec = recentIds().map((id) => all.find((it) => it.id === id)).filter(Boolean).map((it) => ({ ...it, section: "Recent" }));
      list = [...rec, ...all.filter((it) => !it.searchOnly && !rec.some((r) => r.id === it.id))];
    } else {
      list = all.filter((it) => it.label.toLowerCase().includes(needle) || (it.hint || "").toLowerCase().includes(needle));
      const ident = /^[a-z][a-z0-9]{0,9}-\d+$/i.test(needle) ? needle.toUpperCase() : null;
      const issueItems = issues.map((i) => ({ id: "issue:" + i.id, section: "Issues", label: i.title, hint: i.identifier, glyph: i.status,
        run: () => navigate(p + "/issues/" + i.identifier) }));
      if (ident && !issues.some((i) => i.identifier === ident)) {
        issueItems.unshift({ id: "jump:" + ident, section: "Issues", label: "Open " + ident, icon: "issues", run: () => navigate("/" + ident.split("-")[0] + "/issues/" + ident) });
      }
      list = [...issueItems, ...list];
    }
    return list;
  }, [q, all, issues]);

  useEffect(() => { setActive(0); }, [q, issues]);
  useEffect(() => {
    const el = listRef.current && listRef.current.querySelector('[aria-selected="true"]');
    if (el) el.scrollIntoView({ block: "nearest" });
  }, [active]);

  const run = (it) => {
    if (!it) return;
    if (!it.id.startsWith("jump:") && !it.id.startsWith("issue:")) remember(it.id);
    onClose();
    it.run();
  };
  const key = (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); setActive((a) => Math.min(a + 1, shown.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
    else if (e.key === "Enter") { e.preventDefault(); run(shown[active]); }
  };
  let lastSection = null;
  return html`<${Dialog} onClose=${onClose} class="palette" label="Command palette" initialFocus=${inputRef}>
    <input class="palette-input" ref=${inputRef} placeholder="Search issues, agents, pages, actions…" aria-label="Command"
      role="combobox" aria-expanded="true" aria-controls="palette-list" aria-activedescendant=${shown[active] ? "pal-" + active : undefined}
      value=${q} onInput=${(e) => setQ(e.target.value)} onKeyDown=${key} />
    <div class="palette-list" id="palette-list" role="listbox" aria-label="Commands" ref=${listRef}>
      ${shown.map((it, i) => {
        const head = it.section !== lastSection ? html`<div class="menu-title" role="presentation">${it.section}</div>` : null;
        lastSection = it.section;
        return html`${head}<div role="option" id=${"pal-" + i} class="menu-item" aria-selected=${i === active ? "true" : "false"}
            onMouseMove=${() => setActive(i)} onClick=${() => run(it)}>
          ${it.glyph ? html`<${StatusGlyph} status=${it.glyph} />` : html`<${Icon} name=${it.icon} />`}
          <span class="grow ellipsis">${it.label}</span>${it.hint ? html`<span class="muted small">${it.hint}</span>` : null}</div>`;
      })}
      ${shown.length === 0 ? html`<div class="menu-item" aria-disabled="true">No results</div>` : null}
    </div>
  </${Dialog}>`;
}
