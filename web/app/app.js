// The board UI entry point: routes (company-prefixed), the shell (sidebar, dialogs,
// palette, toasts, offline banner), global shortcuts and the live-events connection.
import { html, render, useEffect, useLayoutEffect, useMemo, useRef, useState, useCallback } from "./preact.js";
import { useLocation, navigate, match, safeNext } from "./router.js";
import * as api from "./api.js";
import { useQuery, invalidate } from "./data.js";
import { startLive } from "./live.js";
import { plainKey } from "./keys.js";
import { cycleTheme } from "./theme.js";
import { Sidebar } from "./components/sidebar.js";
import { Toasts, toast } from "./components/toasts.js";
import { Dialog } from "./components/dialog.js";
import { ShellContext, Loading } from "./components/ui.js";
import { isLiveRun } from "./format.js";

import { lazy } from "./lazy.js";

// Every page (and the two shell dialogs that pull in the editor) is loaded on demand: a
// first visit fetches the shell and the page it opens on, nothing else (lazy.js).
const Palette = lazy("components/palette.js", "Palette");
const NewIssueDialog = lazy("components/new-issue.js", "NewIssueDialog");
const DashboardPage = lazy("pages/dashboard.js", "DashboardPage");
const InboxPage = lazy("pages/inbox.js", "InboxPage");
const IssuesPage = lazy("pages/issues.js", "IssuesPage");
const IssuePage = lazy("pages/issue.js", "IssuePage");
const AgentsPage = lazy("pages/agents.js", "AgentsPage");
const NewAgentPage = lazy("pages/agent-new.js", "NewAgentPage");
const AgentPage = lazy("pages/agent.js", "AgentPage");
const RunPage = lazy("pages/run.js", "RunPage");
const OrgPage = lazy("pages/org.js", "OrgPage");
const OnboardingPage = lazy("pages/onboarding.js", "OnboardingPage");
const CompaniesPage = lazy("pages/companies.js", "CompaniesPage");
const ActivityPage = lazy("pages/activity.js", "ActivityPage");
const CompanySettingsPage = lazy("pages/company-settings.js", "CompanySettingsPage");
const InstanceSettingsPage = lazy("pages/instance-settings.js", "InstanceSettingsPage");
const GoalsPage = lazy("pages/goals.js", "GoalsPage");
const GoalPage = lazy("pages/goal.js", "GoalPage");
const ProjectsPage = lazy("pages/projects.js", "ProjectsPage");
const ProjectPage = lazy("pages/project.js", "ProjectPage");
const ApprovalsPage = lazy("pages/approvals.js", "ApprovalsPage");
const ApprovalPage = lazy("pages/approval.js", "ApprovalPage");
const CostsPage = lazy("pages/costs.js", "CostsPage");
const NotFoundPage = lazy("pages/not-found.js", "NotFoundPage");
const AuthPage = lazy("pages/auth.js", "AuthPage");
const SetupPage = lazy("pages/auth.js", "SetupPage");
const InvitePage = lazy("pages/auth.js", "InvitePage");
const NoCompanyPage = lazy("pages/auth.js", "NoCompanyPage");
const ExportPage = lazy("pages/company-export.js", "ExportPage");
const ImportPage = lazy("pages/company-import.js", "ImportPage");

const LAST = "paperclip.lastCompany";
const COLLAPSED = "paperclip.sidebarCollapsed";
const AGENT_TABS = ["all", "active", "paused", "error"];
const store = {
  get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
  set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* storage off */ } },
};

// Company pages: [pattern, section, component]. The first match wins.
const COMPANY_ROUTES = [
  ["/:prefix/dashboard", "dashboard", DashboardPage],
  ["/:prefix/inbox", "inbox", InboxPage],
  ["/:prefix/inbox/:tab", "inbox", InboxPage],
  ["/:prefix/issues", "issues", IssuesPage],
  ["/:prefix/issues/:identifier", "issues", IssuePage],
  ["/:prefix/agents", "agents", AgentsPage],
  ["/:prefix/agents/new", "agents", NewAgentPage],
  ["/:prefix/agents/:agentKey", "agents", null], // list tab or agent detail, resolved below
  ["/:prefix/agents/:agentKey/runs/:runId", "agents", RunPage],
  ["/:prefix/agents/:agentKey/:tab", "agents", AgentPage],
  ["/:prefix/org", "org", OrgPage],
  ["/:prefix/goals", "goals", GoalsPage],
  ["/:prefix/goals/:id", "goals", GoalPage],
  ["/:prefix/projects", "projects", ProjectsPage],
  ["/:prefix/projects/:id", "projects", ProjectPage],
  ["/:prefix/projects/:id/:tab", "projects", ProjectPage],
  ["/:prefix/approvals/:tab", "approvals", null], // a tab (pending, all) or an approval id, resolved below
  ["/:prefix/costs", "costs", CostsPage],
  ["/:prefix/activity", "activity", ActivityPage],
  ["/:prefix/company/settings", "company-settings", CompanySettingsPage],
  ["/:prefix/company/export", "company-settings", ExportPage],
  ["/:prefix/company/import", "company-settings", ImportPage],
];

function resolve(path) {
  for (const [pattern, section, Comp] of COMPANY_ROUTES) {
    const params = match(pattern, path);
    if (!params) continue;
    if (pattern === "/:prefix/agents/:agentKey") {
      if (AGENT_TABS.includes(params.agentKey)) return { section, Comp: AgentsPage, params: { ...params, tab: params.agentKey } };
      return { section, Comp: AgentPage, params };
    }
    if (pattern === "/:prefix/approvals/:tab") {
      return { section, Comp: params.tab === "pending" || params.tab === "all" ? ApprovalsPage : ApprovalPage, params };
    }
    return { section, Comp, params };
  }
  return null;
}

function useLive(company, onRunLog) {
  const [connected, setConnected] = useState(false);
  const quietUntil = useRef(0);
  useEffect(() => {
    if (!company) return undefined;
    const stop = startLive(company.id, {
      // <html data-live="socket|polling"> tells tests (and curious users) which path
      // live updates take right now.
      onState: (s) => { setConnected(s.connected); document.documentElement.dataset.live = s.connected ? "socket" : "polling"; },
      onReconnect: () => { quietUntil.current = Date.now() + 2000; },
      onEvent: (ev) => {
        onRunLog.current.forEach((fn) => fn(ev));
        if (Date.now() < quietUntil.current) return;
        const p = ev.payload || {};
        if (ev.type === "heartbeat.run.status" && (p.status === "failed" || p.status === "timed_out")) {
          toast({ kind: "error", category: "run-failed", message: `Run failed${p.error ? ": " + p.error : ""}`,
            link: { href: `/${company.issuePrefix}/agents/${p.agentId}/runs/${p.runId}`, label: "View run" } });
        } else if (ev.type === "agent.status" && p.status === "error") {
          toast({ kind: "error", category: "agent-error", message: "An agent entered error", link: { href: `/${company.issuePrefix}/agents/${p.agentId}`, label: "Open" } });
        } else if (ev.type === "activity.logged" && p.entityType === "approval" && /created$/.test(p.action || "")) {
          toast({ kind: "info", category: "approval", message: "New approval waiting for the board", link: { href: `/${company.issuePrefix}/approvals`, label: "Review" } });
        }
      },
    });
    return stop;
  }, [company && company.id]);
  return connected;
}

const SHORTCUTS = [
  ["Ctrl/Cmd K, /", "Command palette"], ["c", "New issue"], ["?", "This cheat sheet"], ["[ / ]", "Toggle sidebar / properties panel"],
  ["g d / g i / g t", "Dashboard / Inbox / Issues"], ["g a / g o / g p", "Agents / Org chart / Projects"],
  ["g r / g $ / g l", "Approvals / Costs / Activity"], ["j / k", "Move selection"], ["Enter / o", "Open selected"],
  ["x", "Select issue (issues list)"], ["s / p / a", "Status / priority / assignee of the issue"], ["e", "Edit the open issue"],
  ["Ctrl/Cmd Enter", "Submit form or comment"], ["Esc", "Close dialog, panel or palette"],
];

function CheatSheet({ onClose }) {
  return html`<${Dialog} title="Keyboard shortcuts" onClose=${onClose}>
    <div class="dialog-body"><table class="table"><tbody>
      ${SHORTCUTS.map(([k, v]) => html`<tr><th scope="row" class="mono">${k}</th><td>${v}</td></tr>`)}
    </tbody></table></div>
  </${Dialog}>`;
}

function Shell({ companies, company, section, children, health, user }) {
  const [collapsed, setCollapsed] = useState(store.get(COLLAPSED) === "1");
  const [panelOpen, setPanelOpen] = useState(true);
  const [drawer, setDrawer] = useState(false);
  const [dialog, setDialog] = useState(null); // {kind: "new-issue"|"palette"|"help", ctx}
  const [offline, setOffline] = useState(api.isOffline());
  const runLogListeners = useRef(new Set());
  const newIssueCtx = useRef({}); // what `c` pre-fills on the current page (parent, project, assignee)
  const cid = company && company.id;
  const agents = useQuery(cid ? ["agents", cid] : null, () => api.listAgents(cid));
  // Until a server has sidebar-badges, the approvals badge is counted from the list.
  const badges = useQuery(cid ? ["badges", cid] : null, () => api.sidebarBadges(cid).catch((e) => (e.status !== 404 ? Promise.reject(e)
    : api.listApprovals(cid, { limit: 1000 }).then((l) => ({ approvals: l.filter((a) => a.status === "pending" || a.status === "revision_requested").length }), () => null))));
  const live = useQuery(cid ? ["liveRuns", cid] : null, () => api.liveRuns(cid));
  const connected = useLive(company, runLogListeners);
  const liveCount = (live.data || []).filter((r) => isLiveRun(r.status)).length;
  const agentErrors = (agents.data || []).filter((a) => a.status === "error").length;

  useEffect(() => { if (company) store.set(LAST, company.id); }, [cid]);
  useEffect(() => {
    api.setApiHooks({ onOnline: (up) => { setOffline(!up); if (up) invalidate(); } });
  }, []);
  // Badges refresh every 30 s even with a live socket (budget and error counts drift).
  useEffect(() => {
    if (!cid) return undefined;
    const t = setInterval(() => invalidate("badges", "liveRuns"), 30000);
    return () => clearInterval(t);
  }, [cid]);
  useEffect(() => { setDrawer(false); }, [location.pathname]);

  const openNewIssue = useCallback((ctx) => company && setDialog({ kind: "new-issue", ctx: ctx || {} }), [cid]);
  const runHeartbeat = async (a) => {
    try {
      const r = await api.invokeHeartbeat(a.id);
      if (r && r.status === "skipped") toast({ kind: "info", message: `${a.name} skipped: ${r.reason}` });
      else toast({ message: `${a.name} is waking up`, link: r && r.id ? { href: `/${company.issuePrefix}/agents/${a.urlKey || a.id}/runs/${r.id}`, label: "View run" } : null });
      invalidate("liveRuns", "runs");
    } catch { /* toasted */ }
  };

  // Global shortcuts. Sequences start with g and must finish within a second. Bound in a
  // layout effect, i.e. in the same commit that first paints the shell: a key pressed as
  // soon as the page shows is never lost to a listener still waiting for its effect.
  // <html data-keys="ready"> says they are bound (tests wait on it, never on a timer).
  useLayoutEffect(() => {
    let gAt = 0;
    const goto = { d: "dashboard", i: "inbox", t: "issues", a: "agents", o: "org", p: "projects", r: "approvals", $: "costs", l: "activity" };
    const on = (e) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === "k" || e.key === "K")) {
        e.preventDefault();
        setDialog((d) => (d && d.kind === "palette" ? null : { kind: "palette" }));
        return;
      }
      if (!plainKey(e)) return;
      if (gAt && Date.now() - gAt < 1000 && goto[e.key] && company) {
        e.preventDefault();
        gAt = 0;
        navigate(`/${company.issuePrefix}/${goto[e.key]}`);
        return;
      }
      gAt = 0;
      switch (e.key) {
        case "g": gAt = Date.now(); break;
        case "/": e.preventDefault(); setDialog({ kind: "palette" }); break;
        case "c": if (company) { e.preventDefault(); openNewIssue(newIssueCtx.current); } break;
        case "?": e.preventDefault(); setDialog({ kind: "help" }); break;
        case "[": setCollapsed((c) => { store.set(COLLAPSED, c ? "0" : "1"); return !c; }); break;
        case "]": setPanelOpen((p) => !p); break;
        default: break;
      }
    };
    document.addEventListener("keydown", on);
    document.documentElement.dataset.keys = "ready";
    return () => { document.removeEventListener("keydown", on); delete document.documentElement.dataset.keys; };
  }, [cid]);

  const ctx = {
    company, companies, user, agents: agents.data || [], agentsLoaded: agents.data !== undefined, liveRuns: live.data || [], liveCount, connected, health,
    panelOpen, togglePanel: () => setPanelOpen((p) => !p), setDrawer,
    openNewIssue, runHeartbeat, setNewIssueContext: (c) => { newIssueCtx.current = c || {}; }, onRunEvent: (fn) => { runLogListeners.current.add(fn); return () => runLogListeners.current.delete(fn); },
  };
  return html`<${ShellContext.Provider} value=${ctx}>
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); const m = document.getElementById("main"); if (m) m.focus(); }}>Skip to content</a>
    <div class=${"shell" + (drawer ? " drawer-open" : "")}>
      <${Sidebar} section=${section} badges=${badges.data} liveCount=${liveCount} agentErrors=${agentErrors} health=${health}
        companies=${companies} collapsed=${collapsed} onNewIssue=${() => openNewIssue({})} onSearch=${() => setDialog({ kind: "palette" })} />
      <div class="drawer-backdrop" onClick=${() => setDrawer(false)} />
      <div class="main-col">
        ${offline ? html`<div class="offline-banner" role="status">Cannot reach Paperclip — retrying…</div>` : null}
        ${children}
      </div>
    </div>
    ${dialog && dialog.kind === "new-issue" ? html`<${NewIssueDialog} company=${company} agents=${agents.data || []} ctx=${dialog.ctx} onClose=${() => setDialog(null)} />` : null}
    ${dialog && dialog.kind === "palette" ? html`<${Palette} company=${company} agents=${agents.data || []} onClose=${() => setDialog(null)}
      onNewIssue=${() => openNewIssue({})} onRunHeartbeat=${runHeartbeat} />` : null}
    ${dialog && dialog.kind === "help" ? html`<${CheatSheet} onClose=${() => setDialog(null)} />` : null}
  </${ShellContext.Provider}>`;
}

function Redirect({ to }) {
  useEffect(() => { navigate(to, { replace: true }); }, [to]);
  return null;
}

// Auth gate (authenticated mode): the session decides whether company data may load;
// signed-out users go to /auth with their path kept, a pending bootstrap to /setup.
// The server names its deployment mode in index.html. In local_trusted mode nothing is
// gated, so company data loads in parallel with the health request instead of after it:
// one round trip less before the first paint.
const LOCAL_TRUSTED = (document.querySelector('meta[name="paperclip-deployment-mode"]') || {}).content === "local_trusted";

function useAuthGate() {
  const health = useQuery(["health"], () => api.health());
  const h = health.data;
  const authMode = !!h && h.deploymentMode === "authenticated";
  const session = useQuery(authMode ? ["session"] : null, () => api.getSession().catch((e) => (e.status === 401 || e.status === 403 ? null : Promise.reject(e))));
  const ready = h ? !authMode || !!session.data : LOCAL_TRUSTED;
  return { health, h, authMode, session: authMode ? session.data : undefined, sessionLoading: authMode && session.data === undefined && !session.error, ready };
}

function authScreen(gate, path, loc) {
  const { h, authMode, session } = gate;
  const here = path + (loc.search || "");
  const invite = match("/invite/:token", path);
  if (invite) return html`<${InvitePage} token=${invite.token} health=${h} session=${session} /><${Toasts} />`;
  if (!authMode) return path === "/auth" || path === "/setup" ? html`<${Redirect} to="/" />` : null;
  const pending = h.bootstrapStatus === "bootstrap_pending";
  if (path === "/setup") return pending ? html`<${SetupPage} query=${loc.query} /><${Toasts} />` : html`<${Redirect} to=${safeNext(loc.query.get("next"))} />`;
  if (path === "/auth") return html`<${AuthPage} query=${loc.query} health=${h} session=${session} /><${Toasts} />`;
  if (pending) return html`<${Redirect} to=${"/setup?next=" + encodeURIComponent(here)} />`;
  if (!session) return html`<${Redirect} to=${"/auth?next=" + encodeURIComponent(here)} />`;
  return null;
}

function App() {
  const loc = useLocation();
  const gate = useAuthGate();
  const health = gate.health;
  const companies = useQuery(gate.ready ? ["companies"] : null, () => api.listCompanies());
  // Only instance admins may create companies: anyone else with none is told to ask.
  const admin = useQuery(gate.authMode && gate.ready && companies.data && !companies.data.length ? ["instanceAdmin"] : null, () => api.isInstanceAdmin());
  useEffect(() => {
    api.setApiHooks({
      onError: (err, method) => {
        if (err.status === 0) return; // the offline banner says it
        let message = err.message;
        if (err.status === 403) message = "You don't have permission to do that.";
        else if (err.status === 409 && /\/issues\//.test(err.path || "") && method !== "GET") message = "Someone else is working on this issue";
        const detail = [err.status === 403 || message !== err.message ? err.message : null,
          ...((err.details || []).map ? (err.details || []).map((d) => d && d.message).filter(Boolean) : [])].filter(Boolean).join(" · ");
        toast({ kind: "error", message, detail: detail || null });
        if (err.status === 401) invalidate("session"); // signed out meanwhile: the gate sends to /auth
      },
    });
  }, []);
  const path = loc.path.replace(/\/+$/, "") || "/";
  const list = companies.data;
  const h = health.data;

  if (h === undefined) {
    if (health.error) return html`<div class="page"><p>Cannot reach Paperclip: ${health.error.message}</p></div><${Toasts} />`;
    if (!gate.ready || path.startsWith("/invite/")) return html`<${Loading} />`;
  }
  if (gate.sessionLoading) return html`<${Loading} />`;
  const screen = authScreen(gate, path, loc);
  if (screen) return screen;
  if (path === "/onboarding") return html`<${ShellContext.Provider} value=${{ companies: list || [] }}><${OnboardingPage} companies=${list || []} query=${loc.query} /><${Toasts} /></${ShellContext.Provider}>`;
  if (list === undefined) {
    if (companies.error) return html`<div class="page"><p>Cannot load companies: ${companies.error.message}</p></div><${Toasts} />`;
    return html`<${Loading} />`;
  }
  const byPrefix = (p) => list.find((c) => c.issuePrefix.toLowerCase() === String(p).toLowerCase());
  const last = () => list.find((c) => c.id === store.get(LAST) && c.status !== "archived") || list.find((c) => c.status !== "archived") || list[0];

  if (!list.length && gate.authMode && path !== "/companies" && !path.startsWith("/instance/")) {
    if (admin.data === undefined) return html`<${Loading} />`;
    if (!admin.data) return html`<${NoCompanyPage} session=${gate.session} /><${Toasts} />`;
  }
  if (path === "/") {
    if (!list.length) return html`<${Redirect} to="/onboarding" />`;
    return html`<${Redirect} to=${"/" + last().issuePrefix + "/dashboard"} />`;
  }
  const noPrefix = match("/issues/:identifier", path);
  if (noPrefix) {
    const owner = byPrefix(noPrefix.identifier.split("-")[0]) || last();
    return owner ? html`<${Redirect} to=${`/${owner.issuePrefix}/issues/${noPrefix.identifier}`} />` : html`<${Redirect} to="/onboarding" />`;
  }
  if (path === "/agents" || path.startsWith("/agents/")) {
    const c = last();
    return c ? html`<${Redirect} to=${"/" + c.issuePrefix + path} />` : html`<${Redirect} to="/onboarding" />`;
  }
  let body, section, company = null;
  if (path === "/companies") { section = "companies"; body = html`<${CompaniesPage} />`; company = null; }
  else if (path === "/companies/import") { section = "companies"; body = html`<${ImportPage} />`; }
  else if (path === "/instance/settings") return html`<${Redirect} to="/instance/settings/general" />`;
  else if (match("/instance/settings/:tab", path)) { section = "instance"; body = html`<${InstanceSettingsPage} tab=${match("/instance/settings/:tab", path).tab} />`; }
  else {
    const first = path.split("/")[1];
    company = byPrefix(first);
    if (company && path.split("/").length === 2) return html`<${Redirect} to=${"/" + company.issuePrefix + "/dashboard"} />`;
    if (company && path === `/${first}/inbox`) return html`<${Redirect} to=${"/" + company.issuePrefix + "/inbox/mine"} />`;
    if (company && path === `/${first}/approvals`) return html`<${Redirect} to=${"/" + company.issuePrefix + "/approvals/pending"} />`;
    const r = company ? resolve(path) : null;
    if (r) {
      section = r.section;
      const Comp = r.Comp;
      body = html`<${Comp} key=${company.id + ":" + (r.params.identifier || r.params.agentKey || r.params.id || (r.Comp === ApprovalPage ? r.params.tab : "") || "") + ":" + (r.params.runId || "")} params=${r.params} query=${loc.query} section=${section} />`;
    } else {
      section = null;
      body = html`<${NotFoundPage} />`;
    }
  }
  return html`<${Shell} companies=${list} company=${company} section=${section} health=${h} user=${gate.session && gate.session.user}>${body}</${Shell}><${Toasts} />`;
}

const root = document.getElementById("root");
root.replaceChildren(); // drop the boot placeholder; Preact appends beside foreign nodes
render(html`<${App} />`, root);
// The page this visit opens on is known from the path alone: its module is requested now,
// in parallel with the health and companies requests the shell starts with, rather than
// after them. (The other pages follow in the background once it shows, lazy.js.)
const opening = location.pathname.replace(/\/+$/, "") || "/";
if (opening === "/onboarding") OnboardingPage.preload();
else if (opening === "/auth" || opening === "/setup" || opening.startsWith("/invite/")) AuthPage.preload();
else if (opening.split("/").length === 2 && opening !== "/companies") DashboardPage.preload(); // "/" and "/:prefix" land on the dashboard
else { const r = resolve(opening); if (r && r.Comp) r.Comp.preload(); }
