// The new-issue dialog (`c`): title, markdown description, and property chips. The draft
// survives closing the dialog (sessionStorage) until it is submitted or discarded.
import { html, useEffect, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Dialog, Picker, usePicker } from "./dialog.js";
import { Editor } from "./editor.js";
import { Icon, StatusGlyph, PriorityGlyph } from "./icons.js";
import { toast } from "./toasts.js";
import { statusItems, priorityItems, assigneeItems, agentName } from "./pickers.js";
import { statusLabel, priorityLabel } from "../format.js";

const draftKey = (companyId, ctx) => `paperclip.draft.issue.${companyId}.${ctx.parentId || ctx.projectId || ctx.assigneeAgentId || "new"}`;

function loadDraft(key) {
  try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch { return null; }
}

/**
 * NewIssueDialog creates an issue. ctx pre-fills: parentId (+parentLabel), projectId,
 * assigneeAgentId, status.
 */
export function NewIssueDialog({ company, agents, ctx = {}, onClose }) {
  const key = draftKey(company.id, ctx);
  const initial = loadDraft(key) || {};
  const [title, setTitle] = useState(initial.title || "");
  const [description, setDescription] = useState(initial.description || "");
  const [assignee, setAssignee] = useState(initial.assignee !== undefined ? initial.assignee : ctx.assigneeAgentId || null);
  const [status, setStatus] = useState(initial.status || ctx.status || null); // null = default by assignee
  const [priority, setPriority] = useState(initial.priority || "medium");
  const [labelIds, setLabelIds] = useState(initial.labelIds || []);
  const [projectId, setProjectId] = useState(initial.projectId || ctx.projectId || null);
  const [goalId, setGoalId] = useState(initial.goalId || ctx.goalId || null);
  const [parent, setParent] = useState(ctx.parentId ? { id: ctx.parentId, label: ctx.parentLabel } : initial.parent || null);
  const [billingCode, setBillingCode] = useState(initial.billingCode || "");
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [picker, openPicker, closePicker] = usePicker();
  const labels = useQuery(["labels", company.id], () => api.listLabels(company.id));
  const projects = useQuery(["projects", company.id], () => api.listProjects(company.id).catch(() => null));
  const goals = useQuery(["goals", company.id], () => api.listGoals(company.id).catch(() => null));
  const [parentResults, setParentResults] = useState([]);
  const [parentQ, setParentQ] = useState("");

  const effectiveStatus = status || (assignee ? "todo" : "backlog");
  useEffect(() => {
    try { sessionStorage.setItem(key, JSON.stringify({ title, description, assignee, status, priority, labelIds, projectId, goalId, parent, billingCode })); } catch { /* off */ }
  }, [title, description, assignee, status, priority, labelIds, projectId, goalId, parent, billingCode]);
  useEffect(() => {
    if (!picker || picker.name !== "parent") return undefined;
    const t = setTimeout(async () => {
      try { setParentResults(await api.listIssues(company.id, { q: parentQ || undefined, limit: 20 })); } catch { setParentResults([]); }
    }, 150);
    return () => clearTimeout(t);
  }, [picker && picker.name, parentQ]);

  const discard = () => { try { sessionStorage.removeItem(key); } catch { /* off */ } onClose(); };
  const submit = async (open) => {
    if (busy) return;
    if (!title.trim()) { setErrors({ title: "Title is required" }); return; }
    setBusy(true);
    setErrors({});
    const body = { title: title.trim(), description: description || null, status: effectiveStatus, priority, assigneeAgentId: assignee || null, labelIds };
    if (projectId) body.projectId = projectId;
    if (goalId) body.goalId = goalId;
    if (billingCode.trim()) body.billingCode = billingCode.trim();
    try {
      const issue = parent ? await api.createSubIssue(parent.id, body) : await api.createIssue(company.id, body);
      try { sessionStorage.removeItem(key); } catch { /* off */ }
      invalidate("issues", "issue", "dashboard", "badges", "activity");
      const who = assignee ? agentName(agents, assignee) : null;
      toast({ message: `Created ${issue.identifier}`, detail: who ? `${who} will be woken to work on it.` : null,
        link: { href: `/${company.issuePrefix}/issues/${issue.identifier}`, label: "Open" } });
      onClose();
      if (open) navigate(`/${company.issuePrefix}/issues/${issue.identifier}`);
    } catch (err) {
      const fe = {};
      for (const d of (err && err.details) || []) {
        const path = Array.isArray(d.path) ? d.path.join(".") : d.path;
        if (path) fe[path] = d.message;
      }
      setErrors(fe);
      setBusy(false);
    }
  };
  const keys = (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(true); } };
  const labelList = labels.data || [];
  const projectList = Array.isArray(projects.data) ? projects.data : null;
  const goalList = Array.isArray(goals.data) ? goals.data : null;
  const chip = (name, content, aria) => html`<button type="button" class="chip" aria-haspopup="listbox" aria-label=${aria} onClick=${(e) => openPicker(name, e)}>${content}</button>`;

  return html`<${Dialog} title=${parent ? "New sub-issue" : "New issue"} wide onClose=${onClose} footer=${html`
      <button class="btn ghost" onClick=${discard}>Discard draft</button>
      <span class="muted small right hide-sm"><span class="kbd">Ctrl</span> <span class="kbd">Enter</span> create and open</span>
      <button class="btn" disabled=${busy} onClick=${() => submit(false)}>Create</button>
      <button class="btn primary" disabled=${busy} onClick=${() => submit(true)}>${busy ? html`<span class="spinner" />` : null}Create and open</button>`}>
    <div class="dialog-body" onKeyDown=${keys}>
      ${parent ? html`<div class="muted small" style="margin-bottom:8px">Sub-issue of ${parent.label}</div>` : null}
      <div class="field">
        <label for="new-issue-title">Title</label>
        <input id="new-issue-title" class="input" autofocus placeholder="Issue title" value=${title} onInput=${(e) => setTitle(e.target.value)}
          aria-invalid=${errors.title ? "true" : undefined} aria-describedby=${errors.title ? "new-issue-title-err" : undefined} />
        ${errors.title ? html`<div class="err" id="new-issue-title-err">${errors.title}</div>` : null}
      </div>
      <div class="field">
        <span class="field-label">Description</span>
        <${Editor} value=${description} onInput=${setDescription} label="Description" mentions=${agents} onSubmit=${() => submit(true)} />
        ${errors.description ? html`<div class="err">${errors.description}</div>` : null}
      </div>
      <div class="row wrap" style="gap:6px">
        ${chip("status", html`<${StatusGlyph} status=${effectiveStatus} />${statusLabel(effectiveStatus)}`, "Status: " + statusLabel(effectiveStatus))}
        ${chip("priority", html`<${PriorityGlyph} priority=${priority} />${priorityLabel(priority)}`, "Priority: " + priorityLabel(priority))}
        ${chip("assignee", html`<${Icon} name="user" size=${13} />${agentName(agents, assignee) || "Unassigned"}`, "Assignee: " + (agentName(agents, assignee) || "Unassigned"))}
        ${chip("labels", html`<${Icon} name="filter" size=${13} />${labelIds.length ? labelList.filter((l) => labelIds.includes(l.id)).map((l) => l.name).join(", ") : "Labels"}`, "Labels")}
        ${projectList ? chip("project", html`<${Icon} name="projects" size=${13} />${(projectList.find((p) => p.id === projectId) || {}).name || "Project"}`, "Project") : null}
        ${goalList ? chip("goal", html`<${Icon} name="goals" size=${13} />${(goalList.find((g) => g.id === goalId) || {}).title || "Goal"}`, "Goal") : null}
        ${ctx.parentId ? null : chip("parent", html`<${Icon} name="issues" size=${13} />${parent ? parent.label : "Parent issue"}`, "Parent issue")}
        <input class="input" style="width:150px;height:24px;font-size:12.5px" placeholder="Billing code" aria-label="Billing code" value=${billingCode} onInput=${(e) => setBillingCode(e.target.value)} />
      </div>
      ${assignee ? html`<p class="muted small">${agentName(agents, assignee)} will be woken to work on it.</p>` : null}
      ${Object.entries(errors).filter(([k]) => k !== "title" && k !== "description").map(([k, m]) => html`<div class="err small" style="color:var(--red)">${k}: ${m}</div>`)}
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Status" items=${statusItems()} value=${effectiveStatus} onSelect=${setStatus} onClose=${closePicker} />` : null}
    ${picker && picker.name === "priority" ? html`<${Picker} anchor=${picker.anchor} label="Priority" items=${priorityItems()} value=${priority} onSelect=${setPriority} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assignee" ? html`<${Picker} anchor=${picker.anchor} label="Assignee" search items=${assigneeItems(agents)} value=${assignee} onSelect=${setAssignee} onClose=${closePicker} />` : null}
    ${picker && picker.name === "labels" ? html`<${Picker} anchor=${picker.anchor} label="Labels" search multi
        items=${labelList.map((l) => ({ value: l.id, label: l.name, icon: html`<span class="label-dot" style=${"background:" + l.color} />` }))}
        value=${labelIds} onSelect=${(v) => setLabelIds(labelIds.includes(v) ? labelIds.filter((x) => x !== v) : [...labelIds, v])} onClose=${closePicker} />` : null}
    ${picker && picker.name === "project" && projectList ? html`<${Picker} anchor=${picker.anchor} label="Project" search
        items=${[{ value: null, label: "No project" }, ...projectList.map((p) => ({ value: p.id, label: p.name }))]} value=${projectId} onSelect=${setProjectId} onClose=${closePicker} />` : null}
    ${picker && picker.name === "goal" && goalList ? html`<${Picker} anchor=${picker.anchor} label="Goal" search
        items=${[{ value: null, label: "No goal" }, ...goalList.map((g) => ({ value: g.id, label: g.title }))]} value=${goalId} onSelect=${setGoalId} onClose=${closePicker} />` : null}
    ${picker && picker.name === "parent" ? html`<div onInput=${(e) => e.target.tagName === "INPUT" && setParentQ(e.target.value)}>
        <${Picker} anchor=${picker.anchor} label="Parent issue" search placeholder="Search by identifier or title"
          items=${[{ value: null, label: "No parent" }, ...parentResults.map((i) => ({ value: i.id, label: i.identifier + " " + i.title }))]}
          value=${parent && parent.id} onSelect=${(v, it) => setParent(v ? { id: v, label: it.label } : null)} onClose=${closePicker} /></div>` : null}
  </${Dialog}>`;
}
