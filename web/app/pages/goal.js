// Goal detail: inline title and markdown description, the properties panel (status,
// level, parent, owner — a re-parent the server refuses shows its message in place), and
// tabs for sub-goals, linked projects and issues.
import { html, useEffect, useState } from "../preact.js";
import { Link, navigate } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Tabs, Empty, Avatar, Pill, Prop, IssueStatus, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Picker, usePicker, Confirm } from "../components/dialog.js";
import { Markdown } from "../components/markdown.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { useGoalData, goalCounts, GoalDialog } from "./goals.js";
import { GOAL_LEVELS, GOAL_STATUSES, goalStatus, projectStatus, levelLabel, absTime, ago, plural } from "../format.js";

const TABS = [["subgoals", "Sub-goals"], ["projects", "Projects"], ["issues", "Issues"]];

/** InlineTitle is an h1 that turns into an input on click; Enter or blur saves. */
export function InlineTitle({ value, onSave, label = "Title" }) {
  const [edit, setEdit] = useState(false);
  const [v, setV] = useState(value);
  useEffect(() => { if (!edit) setV(value); }, [value, edit]);
  const save = async () => {
    setEdit(false);
    if (v.trim() && v.trim() !== value) await onSave(v.trim()).catch(() => {});
  };
  if (edit) {
    return html`<input class="input issue-title-input grow" aria-label=${label} value=${v} autofocus onInput=${(e) => setV(e.target.value)}
      onBlur=${save} onKeyDown=${(e) => { if (e.key === "Enter") save(); if (e.key === "Escape") { e.stopPropagation(); setEdit(false); } }} />`;
  }
  return html`<h1 class="issue-title" tabindex="0" title="Click to edit" onClick=${() => setEdit(true)} onKeyDown=${(e) => e.key === "Enter" && setEdit(true)}>${value}</h1>`;
}

/** InlineMarkdown shows markdown with an Edit button that swaps in the editor. */
export function InlineMarkdown({ value, onSave, label = "Description", empty = "No description." }) {
  const [edit, setEdit] = useState(false);
  const [v, setV] = useState(value || "");
  const save = async () => { try { await onSave(v); setEdit(false); } catch { /* toasted; keep editing */ } };
  if (edit) {
    return html`<div class="section" style="margin-top:14px">
      <${Editor} value=${v} onInput=${setV} onSubmit=${save} label=${label} autofocus rows=${6} />
      <div class="row" style="margin-top:8px"><button class="btn primary sm" onClick=${save}>Save</button>
        <button class="btn sm" onClick=${() => { setV(value || ""); setEdit(false); }}>Cancel</button></div></div>`;
  }
  return html`<div class="section" style="margin-top:14px">
    ${value ? html`<${Markdown} source=${value} />` : html`<p class="muted">${empty}</p>`}
    <button class="btn ghost sm" style="margin-top:6px" onClick=${() => { setV(value || ""); setEdit(true); }}><${Icon} name="edit" size=${13} />Edit ${label.toLowerCase()}</button>
  </div>`;
}

function Properties({ goal, goals, agents, prefix, save, parentError }) {
  const [picker, openPicker, closePicker] = usePicker();
  const parent = goals.find((g) => g.id === goal.parentId);
  const owner = agentName(agents, goal.ownerAgentId);
  return html`<div>
    <header>Properties</header>
    <div class="props-section">
      <${Prop} k="Status"><button class="btn ghost sm" id="goal-prop-status" aria-haspopup="listbox" onClick=${(e) => openPicker("status", e)}><${Pill} value=${goalStatus(goal.status)} /></button></${Prop}>
      <${Prop} k="Level"><button class="btn ghost sm" id="goal-prop-level" aria-haspopup="listbox" onClick=${(e) => openPicker("level", e)}>${levelLabel(goal.level)}</button></${Prop}>
      <${Prop} k="Parent"><button class="btn ghost sm" id="goal-prop-parent" aria-haspopup="listbox" onClick=${(e) => openPicker("parent", e)}>${parent ? html`<span class="ellipsis">${parent.title}</span>` : html`<span class="muted">None</span>`}</button>
        ${parentError ? html`<div class="err small" role="alert">${parentError}</div>` : null}</${Prop}>
      <${Prop} k="Owner"><button class="btn ghost sm" id="goal-prop-owner" aria-haspopup="listbox" onClick=${(e) => openPicker("owner", e)}>${owner ? html`<${Avatar} name=${owner} agent />${owner}` : html`<span class="muted">No owner</span>`}</button></${Prop}>
      <${Prop} k="Created">${absTime(goal.createdAt)}</${Prop}>
      <${Prop} k="Updated"><span title=${absTime(goal.updatedAt)}>${ago(goal.updatedAt)}</span></${Prop}>
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Goal status" value=${goal.status} onClose=${closePicker}
      items=${GOAL_STATUSES.map((s) => ({ value: s, label: goalStatus(s)[0] }))} onSelect=${(v) => save({ status: v })} />` : null}
    ${picker && picker.name === "level" ? html`<${Picker} anchor=${picker.anchor} label="Goal level" value=${goal.level} onClose=${closePicker}
      items=${GOAL_LEVELS.map((l) => ({ value: l, label: levelLabel(l) }))} onSelect=${(v) => save({ level: v })} />` : null}
    ${picker && picker.name === "parent" ? html`<${Picker} anchor=${picker.anchor} label="Parent goal" search value=${goal.parentId} onClose=${closePicker}
      items=${[{ value: null, label: "None (top level)" }, ...goals.filter((g) => g.id !== goal.id).map((g) => ({ value: g.id, label: g.title, hint: levelLabel(g.level) }))]}
      onSelect=${(v) => save({ parentId: v }, "parent")} />` : null}
    ${picker && picker.name === "owner" ? html`<${Picker} anchor=${picker.anchor} label="Owner" search value=${goal.ownerAgentId} onClose=${closePicker}
      items=${[{ value: null, label: "No owner" }, ...agents.filter((a) => a.status !== "terminated").map((a) => ({ value: a.id, label: a.name }))]}
      onSelect=${(v) => save({ ownerAgentId: v })} />` : null}
  </div>`;
}

export function GoalPage({ params, query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const q = useQuery(["goal", params.id], () => api.getGoal(params.id));
  const { goals, projects, issues } = useGoalData(company.id);
  const [parentError, setParentError] = useState(null);
  const [confirm, setConfirm] = useState(false);
  const [newSub, setNewSub] = useState(false);
  const goal = q.data;
  const tab = TABS.some(([k]) => k === query.get("tab")) ? query.get("tab") : "subgoals";
  const base = `${prefix}/goals/${params.id}`;
  const crumbs = [{ href: prefix + "/goals", label: "Goals" }];
  const save = async (body, field) => {
    if (field === "parent") setParentError(null);
    try {
      await api.updateGoal(goal.id, body);
      invalidate("goal", "goals");
    } catch (e) {
      if (field === "parent") setParentError(e.message);
      throw e;
    }
  };
  const quietSave = (body, field) => save(body, field).catch(() => {});
  if (q.error && q.error.status === 404) return html`<${Page} title="Goal not found" crumbs=${crumbs}><p>This goal does not exist in ${company.name}.</p></${Page}>`;
  const all = goals.data || [];
  const kids = goal ? all.filter((g) => g.parentId === goal.id) : [];
  const linkedProjects = goal ? (projects.data || []).filter((p) => (p.goalIds || []).includes(goal.id)) : [];
  const linkedIssues = goal ? (issues.data || []).filter((i) => i.goalId === goal.id) : [];
  const counts = goalCounts(projects.data, issues.data);
  const actions = goal ? html`<button class="btn sm" onClick=${() => setNewSub(true)}><${Icon} name="plus" size=${14} />New sub-goal</button>
    <button class="btn sm danger" onClick=${() => setConfirm(true)}><${Icon} name="trash" size=${14} />Delete</button>` : null;
  return html`<${Page} title=${goal ? goal.title : "Goal"} crumbs=${crumbs} h1=${false} width="narrow" actions=${actions}
      panel=${goal ? html`<${Properties} goal=${goal} goals=${all} agents=${shell.agents} prefix=${prefix} save=${quietSave} parentError=${parentError} />` : null}>
    <${Query} q=${q}>${(goal) => html`
      <div class="issue-head"><span style="padding-top:6px"><${Icon} name="goals" size=${18} /></span>
        <${InlineTitle} value=${goal.title} onSave=${(t) => save({ title: t })} /></div>
      <div class="row muted small" style="margin-left:28px"><span>${levelLabel(goal.level)} goal</span>·<${Pill} value=${goalStatus(goal.status)} /></div>
      <${InlineMarkdown} key=${goal.id} value=${goal.description} onSave=${(d) => save({ description: d || null })} />
      <div class="section">
        <${Tabs} label="Goal sections" current=${tab} tabs=${TABS.map(([k, label]) => ({ key: k, label, href: k === "subgoals" ? base : `${base}?tab=${k}`,
          count: k === "subgoals" ? kids.length : k === "projects" ? linkedProjects.length : linkedIssues.length }))} />
        ${tab === "subgoals" ? (kids.length ? html`<div class="card">${kids.map((g) => html`<${Link} class="list-row" href=${`${prefix}/goals/${g.id}`}>
            <${Icon} name="goals" size=${15} /><span class="title">${g.title}</span><span class="chip">${levelLabel(g.level)}</span>
            <span class="muted small hide-sm">${plural((counts[g.id] || {}).issues || 0, "issue")}</span><${Pill} value=${goalStatus(g.status)} /></${Link}>`)}</div>`
          : html`<${Empty} small action=${html`<button class="btn sm" onClick=${() => setNewSub(true)}>New sub-goal</button>`}>No sub-goals.</${Empty}>`) : null}
        ${tab === "projects" ? (linkedProjects.length ? html`<div class="card">${linkedProjects.map((p) => html`<${Link} class="list-row" href=${`${prefix}/projects/${p.urlKey || p.id}`}>
            <span class="label-dot" style=${"background:" + (p.color || "var(--text-3)")} /><span class="title">${p.name}</span><${Pill} value=${projectStatus(p.status)} /></${Link}>`)}</div>`
          : html`<${Empty} small>No projects work toward this goal.</${Empty}>`) : null}
        ${tab === "issues" ? (linkedIssues.length ? html`<div class="card">${linkedIssues.map((i) => html`<${Link} class="list-row" href=${`${prefix}/issues/${i.identifier}`}>
            <${IssueStatus} status=${i.status} /><span class="ident">${i.identifier}</span><span class="title">${i.title}</span>
            <span class="muted small">${agentName(shell.agents, i.assigneeAgentId) || ""}</span></${Link}>`)}</div>`
          : html`<${Empty} small action=${html`<button class="btn sm" onClick=${() => shell.openNewIssue({ goalId: goal.id })}>New issue</button>`}>No issues for this goal.</${Empty}>`) : null}
      </div>`}</${Query}>
    ${newSub && goal ? html`<${GoalDialog} company=${company} agents=${shell.agents} goals=${all} parentId=${goal.id} onClose=${() => setNewSub(false)} />` : null}
    ${confirm && goal ? html`<${Confirm} title=${"Delete goal"} message=${`Delete “${goal.title}”? Sub-goals move to the top level; issues and projects keep existing without this goal.`}
      confirmLabel="Delete goal" onConfirm=${async () => { await api.deleteGoal(goal.id); invalidate("goals", "goal", "issues", "projects"); toast({ message: "Goal deleted" }); navigate(prefix + "/goals"); }}
      onClose=${() => setConfirm(false)} />` : null}
  </${Page}>`;
}
