// Live updates for the selected company: one WebSocket, reconnecting with backoff
// (1 s, 2 s, 4 s … 15 s); while it is down the visible data is polled instead. Events only
// trigger refetches (batched over 500 ms): REST stays the one source of truth.
import { openEvents } from "./api.js";
import { invalidate } from "./data.js";

const POLL_MS = 10000;

// Which cached resources an activity row can have changed, by entity type.
const BY_ENTITY = {
  issue: ["issues", "issue", "comments", "documents", "attachments", "issueActivity", "issueRuns", "activeRun", "inbox"],
  agent: ["agents", "agent", "org", "agentConfig", "revisions", "keys"],
  approval: ["approvals", "inbox"],
  project: ["projects"],
  goal: ["goals"],
  company: ["companies", "company"],
  cost_event: ["costs", "dashboard"],
  heartbeat_run: ["runs", "liveRuns"],
};
const ALWAYS = ["activity", "dashboard", "badges"];
const RUN = ["liveRuns", "runs", "run", "activeRun", "issues", "issueRuns", "badges", "dashboard", "agents", "agent"];
const AGENT = ["agents", "agent", "org", "dashboard", "badges", "inbox"];

/**
 * startLive connects to a company's events. handlers: onEvent(ev) for every event (run
 * log lines, toasts), onState({connected, polling}). Returns stop().
 */
export function startLive(companyId, handlers = {}) {
  let ws = null, stopped = false, attempt = 0, retry = null, poll = null, flush = null;
  const pending = new Set();
  const queue = (names) => {
    for (const n of names) pending.add(n);
    if (!flush) flush = setTimeout(() => { flush = null; const list = [...pending]; pending.clear(); invalidate(...list); }, 500);
  };
  const state = (connected) => handlers.onState && handlers.onState({ connected, polling: !connected });
  const startPolling = () => { if (!poll) poll = setInterval(() => invalidate(), POLL_MS); };
  const stopPolling = () => { clearInterval(poll); poll = null; };

  const route = (ev) => {
    const p = ev.payload || {};
    switch (ev.type) {
      case "activity.logged": queue([...(BY_ENTITY[p.entityType] || []), ...ALWAYS]); break;
      case "agent.status": queue(AGENT); break;
      case "heartbeat.run.queued":
      case "heartbeat.run.status": queue(RUN); break;
      default: break; // log and event lines go to onEvent only; unknown types are ignored
    }
    handlers.onEvent && handlers.onEvent(ev);
  };

  const connect = () => {
    if (stopped) return;
    let opened = false;
    try { ws = openEvents(companyId); } catch { schedule(); return; }
    ws.onopen = () => {
      opened = true;
      const wasRetry = attempt > 0;
      attempt = 0;
      stopPolling();
      state(true);
      if (wasRetry) { invalidate(); handlers.onReconnect && handlers.onReconnect(); }
    };
    ws.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (ev && typeof ev.type === "string") route(ev);
    };
    ws.onclose = () => { ws = null; if (!stopped) { state(false); startPolling(); schedule(opened); } };
    ws.onerror = () => { /* onclose follows and reconnects */ };
  };
  const schedule = (wasOpen) => {
    if (stopped) return;
    if (wasOpen) attempt = 0;
    const delay = Math.min(15000, 1000 * 2 ** attempt);
    attempt++;
    retry = setTimeout(connect, delay);
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry); clearTimeout(flush); stopPolling();
    if (ws) { ws.onclose = null; ws.close(); }
  };
}
