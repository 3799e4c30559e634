// Display helpers: labels, colours and times. Pure functions, no DOM.

export const ISSUE_STATUSES = ["backlog", "todo", "in_progress", "in_review", "blocked", "done", "cancelled"];
export const PRIORITIES = ["critical", "high", "medium", "low"];
export const AGENT_ROLES = ["ceo", "cto", "cmo", "cfo", "security", "engineer", "designer", "pm", "qa", "devops", "researcher", "general"];

const STATUS_LABELS = {
  backlog: "Backlog", todo: "Todo", in_progress: "In progress", in_review: "In review",
  blocked: "Blocked", done: "Done", cancelled: "Cancelled",
};
const PRIORITY_LABELS = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };

// The issue status machine (issues.md §4), as the server enforces it. Board users may
// also reopen done/cancelled issues to todo; agent limits do not apply to the board.
const TRANSITIONS = {
  backlog: ["todo", "cancelled"],
  todo: ["in_progress", "blocked", "cancelled"],
  in_progress: ["in_review", "blocked", "done", "cancelled"],
  in_review: ["in_progress", "done", "cancelled"],
  blocked: ["todo", "in_progress", "cancelled"],
  done: ["todo"],
  cancelled: ["todo"],
};

/** allowedTransitions lists the statuses a board user may move an issue to from `from`. */
export function allowedTransitions(from) { return TRANSITIONS[from] || []; }
/** canTransition reports whether from → to is a real, allowed move. */
export function canTransition(from, to) { return allowedTransitions(from).includes(to); }

export const statusLabel = (s) => STATUS_LABELS[s] || s;
export const priorityLabel = (p) => PRIORITY_LABELS[p] || p;

const AGENT_STATUS = {
  idle: ["Idle", "gray"], active: ["Active", "green"], running: ["Running", "blue"], paused: ["Paused", "amber"],
  error: ["Error", "red"], pending_approval: ["Pending approval", "amber"], terminated: ["Terminated", "gray"],
};
/** agentStatus gives [label, colour] for an agent status. */
export const agentStatus = (s) => AGENT_STATUS[s] || [s, "gray"];

const RUN_STATUS = {
  queued: ["Queued", "gray"], running: ["Running", "blue"], succeeded: ["Succeeded", "green"], failed: ["Failed", "red"],
  cancelled: ["Cancelled", "gray"], timed_out: ["Timed out", "red"], skipped: ["Skipped", "gray"], coalesced: ["Coalesced", "gray"],
};
/** runStatus gives [label, colour] for a heartbeat run status. */
export const runStatus = (s) => RUN_STATUS[s] || [s, "gray"];
export const isLiveRun = (s) => s === "queued" || s === "running";

const SOURCES = { timer: "Timer", assignment: "Assignment", on_demand: "On demand", automation: "Automation" };
export const sourceLabel = (s) => SOURCES[s] || s || "—";

const ADAPTERS = { claude_local: "Claude Code", codex_local: "Codex", process: "Process", http: "HTTP" };
export const adapterLabel = (t) => ADAPTERS[t] || t;

export function roleLabel(r) {
  if (!r) return "";
  if (r.length <= 3 && r !== "pm" && r !== "qa") return r.toUpperCase();
  if (r === "pm" || r === "qa") return r.toUpperCase();
  return r[0].toUpperCase() + r.slice(1);
}

/** initials of a name, for avatars and company tiles. */
export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 1) return parts[0].slice(0, 2).toUpperCase();
  return (parts[0][0] + parts[1][0]).toUpperCase();
}

/** money formats cents as dollars. */
export function money(cents) {
  return "$" + ((cents || 0) / 100).toFixed(2);
}

/** ago renders a past time relative to now: "just now", "4m ago", "3h ago", "2d ago", then a date. */
export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return Math.round(s / 60) + "m ago";
  if (s < 86400) return Math.round(s / 3600) + "h ago";
  if (s < 86400 * 7) return Math.round(s / 86400) + "d ago";
  return new Date(t).toLocaleDateString(undefined, { month: "short", day: "numeric", year: new Date(t).getFullYear() === new Date(now).getFullYear() ? undefined : "numeric" });
}

/** absTime is the full local time for tooltips and property panels. */
export function absTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

/** duration renders milliseconds as "4m 12s" / "1h 3m" / "12s". */
export function duration(ms) {
  if (ms == null || Number.isNaN(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + "s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + "m " + (s % 60) + "s";
  return Math.floor(m / 60) + "h " + (m % 60) + "m";
}

/** runDuration is a run's elapsed time, up to now while it is live. */
export function runDuration(run, now = Date.now()) {
  if (!run || !run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return end - Date.parse(run.startedAt);
}

export const shortId = (id) => (id || "").slice(0, 8);

/** bytes renders a size as B / KB / MB. */
export function bytes(n) {
  if (n == null) return "—";
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
  return (n / 1024 / 1024).toFixed(1) + " MB";
}

/** usage pulls token counts and cost out of a run's usageJson, whatever its exact shape. */
export function usage(run) {
  const u = (run && (run.usageJson || run.usage)) || {};
  const num = (...keys) => { for (const k of keys) if (typeof u[k] === "number") return u[k]; return 0; };
  return {
    input: num("inputTokens", "input_tokens"),
    cached: num("cachedInputTokens", "cached_input_tokens", "cache_read_input_tokens"),
    output: num("outputTokens", "output_tokens"),
    costCents: typeof u.costCents === "number" ? u.costCents : typeof u.costUsd === "number" ? Math.round(u.costUsd * 100) : typeof u.total_cost_usd === "number" ? Math.round(u.total_cost_usd * 100) : null,
    model: u.model || null,
  };
}

/** plural picks "1 issue" / "3 issues". */
export const plural = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;

export const GOAL_LEVELS = ["company", "team", "agent", "task"];
export const GOAL_STATUSES = ["planned", "active", "achieved", "cancelled"];
const GOAL_STATUS = { planned: ["Planned", "gray"], active: ["Active", "blue"], achieved: ["Achieved", "green"], cancelled: ["Cancelled", "gray"] };
/** goalStatus gives [label, colour] for a goal status. */
export const goalStatus = (s) => GOAL_STATUS[s] || [s, "gray"];
/** levelLabel is a goal level's display name. */
export const levelLabel = (l) => (l ? l[0].toUpperCase() + l.slice(1) : "");

export const PROJECT_STATUSES = ["backlog", "planned", "in_progress", "completed", "cancelled"];
const PROJECT_STATUS = { backlog: ["Backlog", "gray"], planned: ["Planned", "gray"], in_progress: ["In progress", "blue"], completed: ["Completed", "green"], cancelled: ["Cancelled", "gray"] };
/** projectStatus gives [label, colour] for a project status. */
export const projectStatus = (s) => PROJECT_STATUS[s] || [s, "gray"];

const APPROVAL_STATUS = { pending: ["Pending", "amber"], revision_requested: ["Revision requested", "amber"], approved: ["Approved", "green"], rejected: ["Rejected", "red"], cancelled: ["Cancelled", "gray"] };
/** approvalStatus gives [label, colour] for an approval status. */
export const approvalStatus = (s) => APPROVAL_STATUS[s] || [s, "gray"];
const APPROVAL_TYPES = { hire_agent: "Hire agent", approve_ceo_strategy: "CEO strategy", request_board_approval: "Board approval", budget_override_required: "Budget override" };
/** approvalType is an approval type's label. */
export const approvalType = (t) => APPROVAL_TYPES[t] || t;
