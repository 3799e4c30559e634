// Item lists for the issue pickers. The status list offers only the transitions the
// status machine allows from the current status (plus the current one, marked).
import { html } from "../preact.js";
import { StatusGlyph, PriorityGlyph } from "./icons.js";
import { ISSUE_STATUSES, PRIORITIES, allowedTransitions, statusLabel, priorityLabel, agentStatus } from "../format.js";

/** statusItems lists statuses; with `from`, only the allowed targets (reopen labelled). */
export function statusItems(from) {
  const list = from ? [from, ...allowedTransitions(from)] : ISSUE_STATUSES;
  return list.map((s) => ({
    value: s,
    label: from && s === "todo" && (from === "done" || from === "cancelled") ? "Reopen (Todo)" : statusLabel(s),
    icon: html`<${StatusGlyph} status=${s} />`,
    disabled: from && s === from,
  }));
}

export function priorityItems() {
  return PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p), icon: html`<${PriorityGlyph} priority=${p} />` }));
}

/** assigneeItems lists assignable agents (terminated and pending excluded) with status dots. */
export function assigneeItems(agents, { none = true } = {}) {
  const items = none ? [{ value: null, label: "Unassigned" }] : [];
  for (const a of agents || []) {
    if (a.status === "terminated" || a.status === "pending_approval") continue;
    const [label, color] = agentStatus(a.status);
    items.push({ value: a.id, label: a.name, hint: label, icon: html`<span class=${"dot " + color} aria-hidden="true" />` });
  }
  return items;
}

/** agentName finds an agent's name in a list. */
export function agentName(agents, id) {
  const a = (agents || []).find((x) => x.id === id);
  return a ? a.name : null;
}
