// The only module that knows the server's URLs: every REST call and the live-events
// WebSocket go through here. Pages call the named functions below.

/** ApiError is a failed request: HTTP status, the server's `error` text and `details`. */
export class ApiError extends Error {
  constructor(status, message, details, path) {
    super(message);
    this.status = status;
    this.details = details || null;
    this.path = path;
  }
}

// Listeners the app registers once: a failed request (for toasts) and reachability
// changes (for the offline banner). Kept on one object so tests can read the state.
const hooks = { onError: null, onOnline: null };
let offline = false;
let probe = null;
let inflight = 0;

// <html data-busy="1"> while any request is in flight: lets tests and screenshots wait
// for the page to settle instead of guessing with timers.
function busy(delta) {
  inflight += delta;
  if (inflight > 0) document.documentElement.dataset.busy = "1";
  else delete document.documentElement.dataset.busy;
}

/** setApiHooks wires error toasts and the offline banner. */
export function setApiHooks(h) { Object.assign(hooks, h); }
/** isOffline reports whether the last request could not reach the server. */
export const isOffline = () => offline;

function markOffline() {
  if (offline) return;
  offline = true;
  hooks.onOnline && hooks.onOnline(false);
  // Probe health every 2 s until the server answers again, then tell the app to refetch.
  probe = setInterval(async () => {
    try {
      const r = await fetch("/api/health", { cache: "no-store" });
      if (r.ok) markOnline();
    } catch { /* still down */ }
  }, 2000);
}

function markOnline() {
  if (!offline) return;
  offline = false;
  clearInterval(probe);
  probe = null;
  hooks.onOnline && hooks.onOnline(true);
}

/**
 * request sends one API call and returns the decoded JSON (null for 204).
 * opts.quiet: statuses that are expected and must not toast (e.g. [404] for probes of
 * routes a server may not have yet). opts.raw: body is sent as is (FormData).
 */
export async function request(method, path, body, opts = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined && body !== null) {
    if (opts.raw) init.body = body;
    else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  let res, text;
  busy(1);
  try {
    res = await fetch("/api" + path, init);
    text = await res.text();
  } catch (e) {
    markOffline();
    throw new ApiError(0, "Cannot reach Paperclip", null, path);
  } finally {
    busy(-1);
  }
  markOnline();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const msg = (data && typeof data === "object" && data.error) || res.statusText || "Request failed";
    const err = new ApiError(res.status, msg, data && data.details, path);
    const quiet = opts.quiet || [];
    if (!quiet.includes(res.status) && hooks.onError) hooks.onError(err, method);
    throw err;
  }
  return data;
}

const get = (p, o) => request("GET", p, null, o);
const post = (p, b, o) => request("POST", p, b === undefined ? {} : b, o);
const patch = (p, b, o) => request("PATCH", p, b, o);
const put = (p, b, o) => request("PUT", p, b, o);
const del = (p, o) => request("DELETE", p, null, o);
const enc = encodeURIComponent;

/** qs renders a query string from an object, skipping empty values; arrays become CSV. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    u.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = u.toString();
  return s ? "?" + s : "";
}

// Instance
export const health = () => get("/health");
export const schedulerHeartbeats = () => get("/instance/scheduler-heartbeats");
export const instanceSettings = () => get("/instance/settings");
export const updateGeneralSettings = (body) => patch("/instance/settings/general", body);
/** isInstanceAdmin probes an admin-only read: the server has no "am I admin" route. */
export const isInstanceAdmin = () => get("/admin/users?query=", { quiet: [401, 403] }).then(() => true, () => false);

// Authentication (authenticated mode). get-session answers 401 when signed out: quiet.
export const getSession = () => get("/auth/get-session", { quiet: [401, 403] });
export const signIn = (email, password) => post("/auth/sign-in/email", { email, password }, { quiet: [400, 401, 403, 429] });
export const signUp = (name, email, password) => post("/auth/sign-up/email", { name, email, password }, { quiet: [400, 403, 409, 429] });
export const signOut = () => post("/auth/sign-out");
export const inviteSummary = (token) => get(`/invites/${enc(token)}`, { quiet: [404] });
export const acceptInvite = (token) => post(`/invites/${enc(token)}/accept`, { requestType: "human" }, { quiet: [400, 401, 404, 409] });
export const listBoardKeys = () => get("/board-api-keys");
export const createBoardKey = (body) => post("/board-api-keys", body);
export const revokeBoardKey = (id) => del(`/board-api-keys/${enc(id)}`);

// Companies
// Archived companies too: the switcher and Companies hide them unless asked, and only
// a listed company can be reactivated.
export const listCompanies = () => get("/companies?includeArchived=true");
export const companyStats = () => get("/companies/stats");
export const getCompany = (id) => get(`/companies/${enc(id)}`);
export const createCompany = (body) => post("/companies", body);
export const updateCompany = (id, body) => patch(`/companies/${enc(id)}`, body);
export const archiveCompany = (id) => post(`/companies/${enc(id)}/archive`);
export const deleteCompany = (id) => del(`/companies/${enc(id)}`);
/** uploadLogo stores an image as a company asset; PATCH logoAssetId then shows it. */
export const uploadLogo = (cid, file) => {
  const fd = new FormData();
  fd.append("file", file, file.name);
  return request("POST", `/companies/${enc(cid)}/logo`, fd, { raw: true });
};

// Agents
export const listAgents = (cid) => get(`/companies/${enc(cid)}/agents`);
export const getAgent = (id) => get(`/agents/${enc(id)}`);
export const createAgent = (cid, body) => post(`/companies/${enc(cid)}/agents`, body);
export const hireAgent = (cid, body) => post(`/companies/${enc(cid)}/agent-hires`, body);
export const updateAgent = (id, body) => patch(`/agents/${enc(id)}`, body);
export const agentAction = (id, action) => post(`/agents/${enc(id)}/${action}`);
export const deleteAgent = (id) => del(`/agents/${enc(id)}`);
export const agentConfiguration = (id) => get(`/agents/${enc(id)}/configuration`);
export const agentKeys = (id) => get(`/agents/${enc(id)}/keys`);
export const createAgentKey = (id, name) => post(`/agents/${enc(id)}/keys`, { name });
export const revokeAgentKey = (id, keyId) => del(`/agents/${enc(id)}/keys/${enc(keyId)}`);
export const configRevisions = (id) => get(`/agents/${enc(id)}/config-revisions`);
export const rollbackRevision = (id, revId) => post(`/agents/${enc(id)}/config-revisions/${enc(revId)}/rollback`);
export const runtimeState = (id) => get(`/agents/${enc(id)}/runtime-state`);
export const resetSessions = (id) => post(`/agents/${enc(id)}/runtime-state/reset-session`);
export const orgChart = (cid) => get(`/companies/${enc(cid)}/org`);
export const adapterModels = (cid, type) => get(`/companies/${enc(cid)}/adapters/${enc(type)}/models`, { quiet: [404] });
export const testEnvironment = (cid, type, body) => post(`/companies/${enc(cid)}/adapters/${enc(type)}/test-environment`, body, { quiet: [404, 422] });
/** invokeHeartbeat wakes an agent on demand (runtime API; may not exist yet). */
export const invokeHeartbeat = (id, body) => post(`/agents/${enc(id)}/heartbeat/invoke`, body || {});
export const wakeAgent = (id, body) => post(`/agents/${enc(id)}/wakeup`, body || {});

// Issues
export const listIssues = (cid, params) => get(`/companies/${enc(cid)}/issues${qs(params)}`);
export const getIssue = (idOrIdentifier) => get(`/issues/${enc(idOrIdentifier)}`);
export const createIssue = (cid, body) => post(`/companies/${enc(cid)}/issues`, body);
export const createSubIssue = (id, body) => post(`/issues/${enc(id)}/children`, body);
export const updateIssue = (id, body) => patch(`/issues/${enc(id)}`, body);
export const deleteIssue = (id) => del(`/issues/${enc(id)}`);
export const releaseIssue = (id) => post(`/issues/${enc(id)}/admin/force-release`);
export const listComments = (id) => get(`/issues/${enc(id)}/comments`);
export const addComment = (id, body) => post(`/issues/${enc(id)}/comments`, body);
export const listAttachments = (id) => get(`/issues/${enc(id)}/attachments`);
export const uploadAttachment = (cid, issueId, file) => {
  const fd = new FormData();
  fd.append("file", file, file.name);
  return request("POST", `/companies/${enc(cid)}/issues/${enc(issueId)}/attachments`, fd, { raw: true });
};
export const deleteAttachment = (id) => del(`/attachments/${enc(id)}`);
/** attachmentURL is where an attachment's bytes are served (download=true forces a file). */
export const attachmentURL = (a, download) => `/api/attachments/${enc(a.id)}/content${download ? "?download=1" : ""}`;
export const listDocuments = (id) => get(`/issues/${enc(id)}/documents`);
export const getDocument = (id, key) => get(`/issues/${enc(id)}/documents/${enc(key)}`);
export const putDocument = (id, key, body, opts) => put(`/issues/${enc(id)}/documents/${enc(key)}`, body, opts);
export const deleteDocument = (id, key) => del(`/issues/${enc(id)}/documents/${enc(key)}`);
export const documentRevisions = (id, key) => get(`/issues/${enc(id)}/documents/${enc(key)}/revisions`);
export const restoreDocument = (id, key, rev) => post(`/issues/${enc(id)}/documents/${enc(key)}/revisions/${enc(rev)}/restore`);
export const issueActivity = (id) => get(`/issues/${enc(id)}/activity`);
export const issueRuns = (id) => get(`/issues/${enc(id)}/runs`);
export const issueActiveRun = (id) => get(`/issues/${enc(id)}/active-run`);
export const markRead = (id) => post(`/issues/${enc(id)}/read`, {}, { quiet: [403, 404] });
export const markUnread = (id) => del(`/issues/${enc(id)}/read`, { quiet: [403, 404] });
export const listLabels = (cid) => get(`/companies/${enc(cid)}/labels`);
export const createLabel = (cid, body) => post(`/companies/${enc(cid)}/labels`, body);

// Runs
export const listRuns = (cid, params) => get(`/companies/${enc(cid)}/heartbeat-runs${qs(params)}`);
export const liveRuns = (cid, params) => get(`/companies/${enc(cid)}/live-runs${qs(params)}`);
export const getRun = (id) => get(`/heartbeat-runs/${enc(id)}`);
export const runEvents = (id, afterSeq = 0) => get(`/heartbeat-runs/${enc(id)}/events${qs({ afterSeq, limit: 1000 })}`);
export const runLog = (id, offset = 0) => get(`/heartbeat-runs/${enc(id)}/log${qs({ offset, limitBytes: 256000 })}`, { quiet: [404] });
export const cancelRun = (id) => post(`/heartbeat-runs/${enc(id)}/cancel`);
export const runLogURL = (id) => `/api/heartbeat-runs/${enc(id)}/log?offset=0&limitBytes=1048576`;

// Activity and oversight (dashboard and badges may not exist on older servers: quiet 404)
export const listActivity = (cid, params) => get(`/companies/${enc(cid)}/activity${qs(params)}`);
export const dashboard = (cid) => get(`/companies/${enc(cid)}/dashboard`, { quiet: [404] });
export const sidebarBadges = (cid) => get(`/companies/${enc(cid)}/sidebar-badges`, { quiet: [404] });

// Goals
export const listGoals = (cid) => get(`/companies/${enc(cid)}/goals`);
export const getGoal = (id) => get(`/goals/${enc(id)}`);
export const createGoal = (cid, body) => post(`/companies/${enc(cid)}/goals`, body);
export const updateGoal = (id, body) => patch(`/goals/${enc(id)}`, body);
export const deleteGoal = (id) => del(`/goals/${enc(id)}`);

// Projects (a url key needs the company to resolve it)
export const listProjects = (cid, params) => get(`/companies/${enc(cid)}/projects${qs(params)}`);
export const getProject = (cid, ref) => get(`/projects/${enc(ref)}${qs({ companyId: cid })}`);
export const createProject = (cid, body) => post(`/companies/${enc(cid)}/projects`, body);
export const updateProject = (id, body) => patch(`/projects/${enc(id)}`, body);
export const deleteProject = (id) => del(`/projects/${enc(id)}`);
export const createWorkspace = (pid, body) => post(`/projects/${enc(pid)}/workspaces`, body);
export const updateWorkspace = (pid, wid, body) => patch(`/projects/${enc(pid)}/workspaces/${enc(wid)}`, body);
export const deleteWorkspace = (pid, wid) => del(`/projects/${enc(pid)}/workspaces/${enc(wid)}`);

// Approvals
export const listApprovals = (cid, params) => get(`/companies/${enc(cid)}/approvals${qs(params)}`);
export const getApproval = (id) => get(`/approvals/${enc(id)}`);
export const approvalIssues = (id) => get(`/approvals/${enc(id)}/issues`);
export const approvalComments = (id) => get(`/approvals/${enc(id)}/comments`);
export const addApprovalComment = (id, body) => post(`/approvals/${enc(id)}/comments`, { body });
/** decideApproval posts approve | reject | request-revision with an optional note. */
export const decideApproval = (id, decision, note) => post(`/approvals/${enc(id)}/${decision}`, { decisionNote: note || null });

// Secrets (values are write-only: no route returns one)
export const listSecrets = (cid) => get(`/companies/${enc(cid)}/secrets`, { quiet: [404] });
export const createSecret = (cid, body) => post(`/companies/${enc(cid)}/secrets`, body);

// Costs and budgets
export const costSummary = (cid, params) => get(`/companies/${enc(cid)}/costs/summary${qs(params)}`, { quiet: [404] });
/** costReport reads one of summary, by-agent, by-project, by-provider, by-day for a range. */
export const costReport = (cid, kind, range) => get(`/companies/${enc(cid)}/costs/${kind}${qs(range)}`, { quiet: [404] });
export const budgetOverview = (cid) => get(`/companies/${enc(cid)}/budgets/overview`, { quiet: [404] });
export const setCompanyBudget = (cid, cents) => patch(`/companies/${enc(cid)}/budgets`, { budgetMonthlyCents: cents });
export const setAgentBudget = (id, cents) => patch(`/agents/${enc(id)}/budgets`, { budgetMonthlyCents: cents });
export const resolveIncident = (cid, id, body) => post(`/companies/${enc(cid)}/budget-incidents/${enc(id)}/resolve`, body);
export const recordCost = (cid, body) => post(`/companies/${enc(cid)}/cost-events`, body);

// Company packages (portability): export preview / zip download, import preview / apply.
// A zip import is multipart (`package` + `meta` JSON); a folder import is an inline source.
export const exportPreview = (cid, body) => post(`/companies/${enc(cid)}/exports/preview`, body);
/** exportZip downloads the package as a zip: {blob, filename}. */
export async function exportZip(cid, body) {
  const path = `/companies/${enc(cid)}/exports?format=zip`;
  busy(1);
  let res;
  try {
    res = await fetch("/api" + path, { method: "POST", credentials: "same-origin",
      headers: { Accept: "application/zip", "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    markOffline();
    throw new ApiError(0, "Cannot reach Paperclip", null, path);
  } finally { busy(-1); }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    const err = new ApiError(res.status, (data && data.error) || res.statusText || "Export failed", data && data.details, path);
    if (hooks.onError) hooks.onError(err, "POST");
    throw err;
  }
  const cd = res.headers.get("Content-Disposition") || "";
  const m = cd.match(/filename="?([^";]+)"?/);
  return { blob: await res.blob(), filename: m ? m[1] : "company.zip" };
}
function importBody(body, zip) {
  if (!zip) return [body, {}];
  const fd = new FormData();
  fd.append("package", zip, zip.name);
  const { source, ...meta } = body;
  fd.append("meta", JSON.stringify(meta));
  return [fd, { raw: true }];
}
/** importPreview plans an import; cid set = the company-scoped (safe) route. */
export const importPreview = (cid, body, zip) => {
  const [b, o] = importBody(body, zip);
  return request("POST", cid ? `/companies/${enc(cid)}/imports/preview` : "/companies/import/preview", b, { ...o, quiet: [422] });
};
export const importApply = (cid, body, zip) => {
  const [b, o] = importBody(body, zip);
  return request("POST", cid ? `/companies/${enc(cid)}/imports/apply` : "/companies/import", b, o);
};
export const listSkills = (cid) => get(`/companies/${enc(cid)}/skills`, { quiet: [404] });
export const deleteSkill = (cid, slug) => del(`/companies/${enc(cid)}/skills/${enc(slug)}`);

/**
 * openEvents opens the company's live-events WebSocket on the same origin (cookies carry
 * the session). The caller owns reconnecting.
 */
export function openEvents(companyId) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return new WebSocket(`${proto}//${location.host}/api/companies/${enc(companyId)}/events/ws`);
}
