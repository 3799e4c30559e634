// Issue edits shared by the list, the board and the detail page: optimistic where safe
// (status, priority, assignee, labels), rolled back when the server refuses.
import * as api from "./api.js";
import { updateWhere, invalidate } from "./data.js";

function applyTo(data, id, patch) {
  if (Array.isArray(data)) return data.map((it) => (it && it.id === id ? { ...it, ...patch } : it));
  if (data && data.id === id) return { ...data, ...patch };
  return data;
}

/**
 * patchIssue shows `patch` at once in every cached list and detail of the issue, sends
 * the PATCH, and restores the previous values if it fails. Resolves to the server's
 * issue; rejects with the ApiError (already toasted by the API layer).
 */
export async function patchIssue(issue, patch) {
  const before = {};
  for (const k of Object.keys(patch)) before[k] = issue[k];
  updateWhere("issues", (d) => applyTo(d, issue.id, patch));
  updateWhere("issue", (d) => applyTo(d, issue.id, patch));
  try {
    const saved = await api.updateIssue(issue.id, patch);
    updateWhere("issues", (d) => applyTo(d, issue.id, saved));
    updateWhere("issue", (d) => applyTo(d, issue.id, saved));
    invalidate("issueActivity", "dashboard", "badges", "activeRun", "comments");
    return saved;
  } catch (err) {
    updateWhere("issues", (d) => applyTo(d, issue.id, before));
    updateWhere("issue", (d) => applyTo(d, issue.id, before));
    if (err && err.status === 409) invalidate("issue", "issues");
    throw err;
  }
}
