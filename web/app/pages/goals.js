// Goals: the company's goal tree. Roots are grouped by level (company → team → agent →
// task) and children nest under their parent with expand/collapse; each row shows its
// status, owner and how many projects and issues point at it.
import { html, useMemo, useState } from "../preact.js";
import { Link, navigate, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Empty, Avatar, Pill, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Dialog } from "../components/dialog.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { fieldErrors } from "./agent-new.js";
import { GOAL_LEVELS, GOAL_STATUSES, goalStatus, levelLabel, plural } from "../format.js";

/** useGoalData loads what the goal pages share: goals, projects and issues (for counts). */
export function useGoalData(cid) {
  const goals = useQuery(["goals", cid], () => api.listGoals(cid));
  const projects = useQuery(["projects", cid], () => api.listProjects(cid));
  const issues = useQuery(["issues", cid, { all: 1 }], () => api.listIssues(cid, { limit: 1000 }));
  return { goals, projects, issues };
}

/** goalCounts maps goal id → {projects, issues} from the project and issue lists. */
export function goalCounts(projects, issues) {
  const c = {};
  const at = (id) => (c[id] = c[id] || { projects: 0, issues: 0 });
  for (const p of projects || []) for (const g of p.goalIds || []) at(g).projects++;
  for (const i of issues || []) if (i.goalId) at(i.goalId).issues++;
  return c;
}

/** goalOptions lists goals as indented <option>s in tree order (for parent selects). */
export function goalOptions(goals, exclude) {
  const kids = childrenOf(goals);
  const out = [];
  const walk = (g, d) => {
    if (g.id === exclude) return;
    out.push(html`<option value=${g.id}>${"\u2002".repeat(d * 2) + g.title}</option>`);
    for (const k of kids[g.id] || []) walk(k, d + 1);
  };
  for (const r of kids[""] || []) walk(r, 0);
  return out;
}

const rank = (l) => GOAL_LEVELS.indexOf(l);

function childrenOf(goals) {
  const ids = new Set(goals.map((g) => g.id));
  const kids = {};
  for (const g of goals) {
    const k = g.parentId && ids.has(g.parentId) ? g.parentId : "";
    (kids[k] = kids[k] || []).push(g);
  }
  for (const k of Object.keys(kids)) kids[k].sort((a, b) => rank(a.level) - rank(b.level) || (a.createdAt < b.createdAt ? -1 : 1));
  return kids;
}

function GoalRow({ g, depth, kids, open, toggle, counts, agents, prefix }) {
  const children = kids[g.id] || [];
  const c = counts[g.id] || { projects: 0, issues: 0 };
  const owner = agentName(agents, g.ownerAgentId);
  const expanded = open[g.id] !== false;
  return html`<div class="list-row goal-row" data-goal=${g.title} style=${`padding-left:${10 + depth * 22}px`}
      onClick=${(e) => { if (!e.target.closest("a, button")) navigate(`${prefix}/goals/${g.id}`); }}>
    ${children.length ? html`<button type="button" class="status-btn" aria-expanded=${expanded ? "true" : "false"} aria-label=${(expanded ? "Collapse " : "Expand ") + g.title}
        onClick=${() => toggle(g.id)}><${Icon} name=${expanded ? "chevron-down" : "chevron-right"} size=${14} /></button>` : html`<span style="width:18px;flex:none" />`}
    <${Icon} name="goals" size=${15} class="muted" />
    <${Link} class="title" href=${`${prefix}/goals/${g.id}`}>${g.title}</${Link}>
    <span class="chip hide-sm">${levelLabel(g.level)}</span>
    <span class="muted small nowrap hide-sm" style="width:150px;text-align:right">${plural(c.projects, "project")} · ${plural(c.issues, "issue")}</span>
    <span class="row nowrap hide-sm" style="width:130px;gap:6px">${owner ? html`<${Avatar} name=${owner} agent /><span class="ellipsis small">${owner}</span>` : html`<span class="muted small">No owner</span>`}</span>
    <span style="width:86px;text-align:right"><${Pill} value=${goalStatus(g.status)} /></span>
  </div>
  ${expanded ? children.map((k) => html`<${GoalRow} g=${k} depth=${depth + 1} kids=${kids} open=${open} toggle=${toggle} counts=${counts} agents=${agents} prefix=${prefix} />`) : null}`;
}

/** GoalDialog creates a goal: title, description, level, status, parent, owner. */
export function GoalDialog({ company, agents, goals, parentId, onClose }) {
  const parent = (goals || []).find((g) => g.id === parentId);
  const [f, setF] = useState({ title: "", description: "", level: parent ? GOAL_LEVELS[Math.min(3, rank(parent.level) + 1)] : "company", status: "planned", parentId: parentId || "", ownerAgentId: "" });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async () => {
    if (busy) return;
    if (!f.title.trim()) { setErrors({ title: "Title is required" }); return; }
    setBusy(true);
    try {
      const g = await api.createGoal(company.id, { title: f.title.trim(), description: f.description || null, level: f.level, status: f.status,
        parentId: f.parentId || null, ownerAgentId: f.ownerAgentId || null });
      invalidate("goals");
      toast({ message: `Created goal “${g.title}”`, link: { href: `/${company.issuePrefix}/goals/${g.id}`, label: "Open" } });
      onClose(g);
    } catch (e) { setErrors(fieldErrors(e)); setBusy(false); }
  };
  const live = (agents || []).filter((a) => a.status !== "terminated");
  return html`<${Dialog} title=${parent ? "New sub-goal" : "New goal"} wide onClose=${() => onClose(null)} footer=${html`
      <span class="muted small right hide-sm"><span class="kbd">Ctrl</span> <span class="kbd">Enter</span> create</span>
      <button class="btn" onClick=${() => onClose(null)}>Cancel</button>
      <button class="btn primary" disabled=${busy} onClick=${submit}>${busy ? html`<span class="spinner" />` : null}Create goal</button>`}>
    <div class="dialog-body" onKeyDown=${(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}>
      <div class="field"><label for="goal-title">Title</label>
        <input id="goal-title" class="input" autofocus placeholder="What should be achieved?" value=${f.title} onInput=${set("title")} aria-invalid=${errors.title ? "true" : undefined} />
        ${errors.title ? html`<div class="err">${errors.title}</div>` : null}</div>
      <div class="field"><span class="field-label">Description</span>
        <${Editor} value=${f.description} onInput=${(v) => setF({ ...f, description: v })} label="Goal description" rows=${4} onSubmit=${submit} /></div>
      <div class="grid2">
        <div class="field"><label for="goal-level">Level</label><select id="goal-level" class="select" value=${f.level} onChange=${set("level")}>
          ${GOAL_LEVELS.map((l) => html`<option value=${l}>${levelLabel(l)}</option>`)}</select></div>
        <div class="field"><label for="goal-status">Status</label><select id="goal-status" class="select" value=${f.status} onChange=${set("status")}>
          ${GOAL_STATUSES.map((s) => html`<option value=${s}>${goalStatus(s)[0]}</option>`)}</select></div>
        <div class="field"><label for="goal-parent">Parent goal</label><select id="goal-parent" class="select" value=${f.parentId} onChange=${set("parentId")}>
          <option value="">None (top level)</option>${goalOptions(goals || [])}</select>
          ${errors.parentId ? html`<div class="err">${errors.parentId}</div>` : null}</div>
        <div class="field"><label for="goal-owner">Owner</label><select id="goal-owner" class="select" value=${f.ownerAgentId} onChange=${set("ownerAgentId")}>
          <option value="">No owner</option>${live.map((a) => html`<option value=${a.id}>${a.name}</option>`)}</select></div>
      </div>
    </div>
  </${Dialog}>`;
}

export function GoalsPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const { goals, projects, issues } = useGoalData(company.id);
  const [open, setOpen] = useState({});
  const creating = query.get("new") === "1";
  const counts = useMemo(() => goalCounts(projects.data, issues.data), [projects.data, issues.data]);
  const toggle = (id) => setOpen((o) => ({ ...o, [id]: o[id] === false }));
  const all = goals.data || [];
  const kids = useMemo(() => childrenOf(all), [goals.data]);
  const setAll = (v) => setOpen(Object.fromEntries(all.map((g) => [g.id, v])));
  const newGoal = html`<button class="btn primary sm" onClick=${() => setQuery({ new: "1" })}><${Icon} name="plus" size=${14} />New goal</button>`;
  return html`<${Page} title="Goals" actions=${newGoal}>
    <${Query} q=${goals}>${(list) => {
      if (!list.length) return html`<${Empty} action=${html`<button class="btn primary" onClick=${() => setQuery({ new: "1" })}>New goal</button>`}>No goals yet.</${Empty}>`;
      const roots = kids[""] || [];
      return html`<div class="toolbar"><span class="muted small">${plural(list.length, "goal")}</span><span class="grow" />
          <button class="btn sm ghost" onClick=${() => setAll(true)}>Expand all</button><button class="btn sm ghost" onClick=${() => setAll(false)}>Collapse all</button></div>
        <div class="card">
        ${GOAL_LEVELS.filter((l) => roots.some((r) => r.level === l)).map((l) => html`
          <div class="group-head">${levelLabel(l)} goals<span class="muted">${roots.filter((r) => r.level === l).length}</span></div>
          ${roots.filter((r) => r.level === l).map((g) => html`<${GoalRow} g=${g} depth=${0} kids=${kids} open=${open} toggle=${toggle} counts=${counts} agents=${shell.agents} prefix=${prefix} />`)}`)}
      </div>`;
    }}</${Query}>
    ${creating ? html`<${GoalDialog} company=${company} agents=${shell.agents} goals=${all} onClose=${() => setQuery({ new: null })} />` : null}
  </${Page}>`;
}
