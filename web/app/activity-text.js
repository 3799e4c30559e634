// activitySentence turns an activity row into words. It lives apart from the issue tabs
// so the dashboard and the activity page can use it without loading the issue page's
// editor and markdown renderer (and their vendored libraries) on first view.
import { agentName } from "./components/pickers.js";

/** activitySentence renders an activity row as words. */
export function activitySentence(a, agents) {
  const who = a.actorType === "agent" ? agentName(agents, a.actorId) || "An agent" : a.actorType === "system" ? "System" : "Board";
  const d = a.details || {};
  const verb = String(a.action || "").replace(/^[a-z_]+\./, "").replace(/_/g, " ");
  const noun = String(a.entityType || "").replace(/_/g, " ");
  const name = d.identifier || d.name || d.title || "";
  let change = "";
  if (d.status && typeof d.status === "object" && d.status.from !== undefined) change = `: status ${d.status.from} → ${d.status.to}`;
  else if (d.from && d.to) change = `: ${d.from} → ${d.to}`;
  return `${who} ${verb} ${d.identifier ? name : (noun + (name ? " " + name : ""))}${change}`.replace(/\s+/g, " ").trim();
}
