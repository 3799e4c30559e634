// Projects: the list (colour, name, status, lead, target date, issue progress) and the
// New project dialog, which can seed the first workspace (a local path or a repo URL).
import { html, useMemo, useState } from "../preact.js";
import { Link, navigate, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Empty, Avatar, Pill, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Dialog, Picker, usePicker } from "../components/dialog.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { fieldErrors } from "./agent-new.js";
import { PROJECT_STATUSES, projectStatus, plural } from "../format.js";

/** PROJECT_COLORS is the suggested palette (data model); any colour is accepted. */
export const PROJECT_COLORS = ["#6366f1", "#8b5cf6", "#ec4899", "#ef4444", "#f97316", "#eab308", "#22c55e", "#14b8a6", "#06b6d4", "#3b82f6"];

/** useAllIssues is every issue of the company (for per-project and per-goal counts). */
export function useAllIssues(cid) {
  return useQuery(["issues", cid, { all: 1 }], () => api.listIssues(cid, { limit: 1000 }));
}

/** issueProgress maps project id → {open, done, total}. */
export function issueProgress(issues) {
  const out = {};
  for (const i of issues || []) {
    if (!i.projectId) continue;
    const p = (out[i.projectId] = out[i.projectId] || { open: 0, done: 0, total: 0 });
    p.total++;
    if (i.status === "done") p.done++;
    else if (i.status !== "cancelled") p.open++;
  }
  return out;
}

/** Progress is a thin bar with its numbers as text (never colour alone). */
export function Progress({ done, total }) {
  const pct = total ? Math.round((done / total) * 100) : 0;
  return html`<span class="row nowrap" style="gap:8px"><span class="progress" role="img" aria-label=${`${done} of ${total} done`}><span style=${`width:${pct}%`} /></span>
    <span class="muted small">${done}/${total}</span></span>`;
}

/** ColorField picks a colour from the palette, or none. */
export function ColorField({ value, onChange, id = "project-color" }) {
  return html`<div class="field"><span class="field-label" id=${id}>Colour</span>
    <div class="row wrap" role="radiogroup" aria-labelledby=${id} style="gap:6px">
      ${PROJECT_COLORS.map((c) => html`<button type="button" class="swatch" role="radio" aria-checked=${value === c ? "true" : "false"} aria-label=${c}
        style=${"background:" + c} onClick=${() => onChange(c)} />`)}
      <button type="button" class="btn sm ghost" aria-pressed=${!value ? "true" : "false"} onClick=${() => onChange(null)}>None</button>
    </div></div>`;
}

/** ProjectDialog creates a project, optionally with its first workspace. */
export function ProjectDialog({ company, agents, goals, onClose }) {
  const [f, setF] = useState({ name: "", description: "", status: "backlog", goalIds: [], leadAgentId: "", targetDate: "", color: PROJECT_COLORS[0], ws: "local", cwd: "", repoUrl: "", repoRef: "" });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [picker, openPicker, closePicker] = usePicker();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async () => {
    if (busy) return;
    if (!f.name.trim()) { setErrors({ name: "Name is required" }); return; }
    const body = { name: f.name.trim(), description: f.description || null, status: f.status, goalIds: f.goalIds, leadAgentId: f.leadAgentId || null,
      targetDate: f.targetDate || null, color: f.color || null };
    if (f.ws === "local" && f.cwd.trim()) body.workspace = { cwd: f.cwd.trim(), isPrimary: true };
    if (f.ws === "repo" && f.repoUrl.trim()) body.workspace = { repoUrl: f.repoUrl.trim(), repoRef: f.repoRef.trim() || null, isPrimary: true };
    setBusy(true);
    try {
      const p = await api.createProject(company.id, body);
      invalidate("projects");
      toast({ message: `Created project ${p.name}` });
      onClose(p);
    } catch (e) { setErrors(fieldErrors(e)); setBusy(false); }
  };
  const goalTitle = (id) => ((goals || []).find((g) => g.id === id) || {}).title || "Goal";
  return html`<${Dialog} title="New project" wide onClose=${() => onClose(null)} footer=${html`
      <button class="btn right" onClick=${() => onClose(null)}>Cancel</button>
      <button class="btn primary" disabled=${busy} onClick=${submit}>${busy ? html`<span class="spinner" />` : null}Create project</button>`}>
    <div class="dialog-body" onKeyDown=${(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}>
      <div class="field"><label for="project-name">Name</label><input id="project-name" class="input" autofocus value=${f.name} onInput=${set("name")} aria-invalid=${errors.name ? "true" : undefined} />
        ${errors.name ? html`<div class="err">${errors.name}</div>` : null}</div>
      <div class="field"><span class="field-label">Description</span><${Editor} value=${f.description} onInput=${(v) => setF({ ...f, description: v })} label="Project description" rows=${3} onSubmit=${submit} /></div>
      <div class="grid2">
        <div class="field"><label for="project-status">Status</label><select id="project-status" class="select" value=${f.status} onChange=${set("status")}>
          ${PROJECT_STATUSES.map((s) => html`<option value=${s}>${projectStatus(s)[0]}</option>`)}</select></div>
        <div class="field"><label for="project-lead">Lead</label><select id="project-lead" class="select" value=${f.leadAgentId} onChange=${set("leadAgentId")}>
          <option value="">No lead</option>${(agents || []).filter((a) => a.status !== "terminated").map((a) => html`<option value=${a.id}>${a.name}</option>`)}</select></div>
        <div class="field"><label for="project-target">Target date</label><input id="project-target" class="input" type="date" value=${f.targetDate} onInput=${set("targetDate")} /></div>
        <div class="field"><span class="field-label">Goals</span><div class="row wrap" style="gap:6px">
          ${f.goalIds.map((id) => html`<span class="chip"><${Icon} name="goals" size=${12} />${goalTitle(id)}</span>`)}
          <button type="button" class="btn sm" aria-haspopup="listbox" onClick=${(e) => openPicker("goals", e)} disabled=${!(goals || []).length}>${(goals || []).length ? "Choose goals" : "No goals yet"}</button></div>
          ${errors.goalIds ? html`<div class="err">${errors.goalIds}</div>` : null}</div>
      </div>
      <${ColorField} value=${f.color} onChange=${(c) => setF({ ...f, color: c })} />
      <fieldset class="fieldset"><legend>First workspace <span class="muted">(optional)</span></legend>
        <div class="row" role="radiogroup" aria-label="Workspace source" style="margin-bottom:8px">
          <label class="check"><input type="radio" name="ws" checked=${f.ws === "local"} onChange=${() => setF({ ...f, ws: "local" })} />Local folder</label>
          <label class="check"><input type="radio" name="ws" checked=${f.ws === "repo"} onChange=${() => setF({ ...f, ws: "repo" })} />Git repository</label></div>
        ${f.ws === "local" ? html`<div class="field"><label for="project-cwd">Path</label><input id="project-cwd" class="input mono" placeholder="/home/me/code/site" value=${f.cwd} onInput=${set("cwd")} /></div>`
          : html`<div class="grid2"><div class="field"><label for="project-repo">Repository URL</label><input id="project-repo" class="input mono" placeholder="https://github.com/acme/site" value=${f.repoUrl} onInput=${set("repoUrl")} /></div>
            <div class="field"><label for="project-ref">Ref</label><input id="project-ref" class="input mono" placeholder="main" value=${f.repoRef} onInput=${set("repoRef")} /></div></div>`}
        ${errors.workspace ? html`<div class="err small" style="color:var(--red)">${errors.workspace}</div>` : null}
      </fieldset>
    </div>
    ${picker ? html`<${Picker} anchor=${picker.anchor} label="Goals" search multi value=${f.goalIds} onClose=${closePicker}
      items=${(goals || []).map((g) => ({ value: g.id, label: g.title }))}
      onSelect=${(v) => setF((x) => ({ ...x, goalIds: x.goalIds.includes(v) ? x.goalIds.filter((y) => y !== v) : [...x.goalIds, v] }))} />` : null}
  </${Dialog}>`;
}

export function ProjectsPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const archived = query.get("archived") === "1";
  const projects = useQuery(["projects", company.id, archived ? "archived" : null].filter(Boolean), () => api.listProjects(company.id, archived ? { includeArchived: true } : {}));
  const goals = useQuery(["goals", company.id], () => api.listGoals(company.id));
  const issues = useAllIssues(company.id);
  const progress = useMemo(() => issueProgress(issues.data), [issues.data]);
  const creating = query.get("new") === "1";
  const open = (p) => navigate(`${prefix}/projects/${p.urlKey || p.id}`);
  const actions = html`<button class="btn primary sm" onClick=${() => setQuery({ new: "1" })}><${Icon} name="plus" size=${14} />New project</button>`;
  return html`<${Page} title="Projects" actions=${actions}>
    <${Query} q=${projects}>${(list) => html`
      <div class="toolbar"><span class="muted small">${plural(list.length, "project")}</span><span class="grow" />
        <label class="check small"><input type="checkbox" checked=${archived} onChange=${() => setQuery({ archived: archived ? null : "1" })} />Show archived</label></div>
      ${list.length === 0 ? html`<${Empty} action=${html`<button class="btn primary" onClick=${() => setQuery({ new: "1" })}>New project</button>`}>No projects yet.</${Empty}>` : html`
      <table class="table stack">
        <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Lead</th><th scope="col">Target date</th><th scope="col">Open</th><th scope="col">Progress</th></tr></thead>
        <tbody>${list.map((p) => {
          const pr = progress[p.id] || { open: 0, done: 0, total: 0 };
          const lead = agentName(shell.agents, p.leadAgentId);
          return html`<tr class="clickable" data-project=${p.name} tabindex="0" onClick=${(e) => !e.target.closest("a") && open(p)} onKeyDown=${(e) => e.key === "Enter" && e.target === e.currentTarget && open(p)}>
            <td class="primary"><div class="row"><span class="label-dot" style=${"width:10px;height:10px;background:" + (p.color || "var(--text-3)")} />
              <${Link} href=${`${prefix}/projects/${p.urlKey || p.id}`}><strong>${p.name}</strong></${Link}>
              ${p.archivedAt ? html`<span class="badge">Archived</span>` : null}${p.pauseReason ? html`<span class="badge amber">Paused: ${p.pauseReason}</span>` : null}</div></td>
            <td><${Pill} value=${projectStatus(p.status)} /></td>
            <td>${lead ? html`<span class="row" style="gap:6px"><${Avatar} name=${lead} agent />${lead}</span>` : html`<span class="muted">—</span>`}</td>
            <td class="muted">${p.targetDate || "—"}</td>
            <td class="muted">${pr.open} open</td>
            <td><${Progress} done=${pr.done} total=${pr.total} /></td>
          </tr>`;
        })}</tbody></table>`}`}</${Query}>
    ${creating ? html`<${ProjectDialog} company=${company} agents=${shell.agents} goals=${goals.data} onClose=${(p) => { setQuery({ new: null }); if (p) open(p); }} />` : null}
  </${Page}>`;
}
