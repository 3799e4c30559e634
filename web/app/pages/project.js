// Project detail: overview (description and properties), the project's issues (list or
// board), and configuration — workspaces, environment bindings, archive and delete.
import { html, useEffect, useMemo, useState } from "../preact.js";
import { navigate, setQuery } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Query, Tabs, Empty, Avatar, Pill, Prop, Button, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Picker, usePicker, Confirm, Dialog } from "../components/dialog.js";
import { EnvEditor } from "../components/env-editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { IssueList } from "./issues.js";
import { Board } from "./board.js";
import { InlineTitle, InlineMarkdown } from "./goal.js";
import { ColorField, Progress, issueProgress, PROJECT_COLORS } from "./projects.js";
import { PROJECT_STATUSES, projectStatus, absTime, ago } from "../format.js";

const TABS = [["overview", "Overview"], ["issues", "Issues"], ["configuration", "Configuration"]];

function Properties({ project, agents, goals, save }) {
  const [picker, openPicker, closePicker] = usePicker();
  const lead = agentName(agents, project.leadAgentId);
  const [date, setDate] = useState(project.targetDate || "");
  useEffect(() => setDate(project.targetDate || ""), [project.targetDate]);
  return html`<div>
    <header>Properties</header>
    <div class="props-section">
      <${Prop} k="Status"><button class="btn ghost sm" id="project-prop-status" aria-haspopup="listbox" onClick=${(e) => openPicker("status", e)}><${Pill} value=${projectStatus(project.status)} /></button></${Prop}>
      <${Prop} k="Lead"><button class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("lead", e)}>${lead ? html`<${Avatar} name=${lead} agent />${lead}` : html`<span class="muted">No lead</span>`}</button></${Prop}>
      <${Prop} k="Goals"><button class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("goals", e)}>
        ${(project.goals || []).length ? html`<span class="ellipsis">${project.goals.map((g) => g.title).join(", ")}</span>` : html`<span class="muted">None</span>`}</button></${Prop}>
      <${Prop} k="Target date"><input class="input" type="date" aria-label="Target date" style="height:28px;width:auto" value=${date}
        onChange=${(e) => { setDate(e.target.value); save({ targetDate: e.target.value || null }); }} /></${Prop}>
      <${Prop} k="Colour"><button class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("color", e)}>
        <span class="label-dot" style=${"width:12px;height:12px;background:" + (project.color || "var(--text-3)")} />${project.color || html`<span class="muted">None</span>`}</button></${Prop}>
      <${Prop} k="Workspace">${project.primaryWorkspace ? html`<span class="mono small ellipsis" style="display:block" title=${project.primaryWorkspace.cwd || project.primaryWorkspace.repoUrl}>
        ${project.primaryWorkspace.name}</span>` : html`<span class="muted">None</span>`}</${Prop}>
      <${Prop} k="Created">${absTime(project.createdAt)}</${Prop}>
      <${Prop} k="Updated"><span title=${absTime(project.updatedAt)}>${ago(project.updatedAt)}</span></${Prop}>
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Project status" value=${project.status} onClose=${closePicker}
      items=${PROJECT_STATUSES.map((s) => ({ value: s, label: projectStatus(s)[0] }))} onSelect=${(v) => save({ status: v })} />` : null}
    ${picker && picker.name === "lead" ? html`<${Picker} anchor=${picker.anchor} label="Lead" search value=${project.leadAgentId} onClose=${closePicker}
      items=${[{ value: null, label: "No lead" }, ...agents.filter((a) => a.status !== "terminated").map((a) => ({ value: a.id, label: a.name }))]} onSelect=${(v) => save({ leadAgentId: v })} />` : null}
    ${picker && picker.name === "goals" ? html`<${Picker} anchor=${picker.anchor} label="Goals" search multi value=${project.goalIds || []} onClose=${closePicker}
      items=${(goals || []).map((g) => ({ value: g.id, label: g.title }))}
      onSelect=${(v) => { const ids = project.goalIds || []; save({ goalIds: ids.includes(v) ? ids.filter((x) => x !== v) : [...ids, v] }); }} />` : null}
    ${picker && picker.name === "color" ? html`<${Picker} anchor=${picker.anchor} label="Colour" value=${project.color} onClose=${closePicker}
      items=${[{ value: null, label: "None" }, ...PROJECT_COLORS.map((c) => ({ value: c, label: c, icon: html`<span class="label-dot" style=${"width:12px;height:12px;background:" + c} />` }))]}
      onSelect=${(v) => save({ color: v })} />` : null}
  </div>`;
}

/** WorkspaceDialog adds or edits a workspace: a local path or a repository and ref. */
function WorkspaceDialog({ project, ws, onClose }) {
  const [f, setF] = useState({ name: ws ? ws.name : "", source: ws && ws.repoUrl && !ws.cwd ? "repo" : "local", cwd: (ws && ws.cwd) || "", repoUrl: (ws && ws.repoUrl) || "", repoRef: (ws && ws.repoRef) || "" });
  const [err, setErr] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = async () => {
    const body = { name: f.name.trim() || undefined };
    if (f.source === "local") Object.assign(body, { cwd: f.cwd.trim() || null, repoUrl: ws ? null : undefined, sourceType: "local_path" });
    else Object.assign(body, { repoUrl: f.repoUrl.trim() || null, repoRef: f.repoRef.trim() || null, cwd: ws ? null : undefined, sourceType: "git_repo" });
    try {
      if (ws) await api.updateWorkspace(project.id, ws.id, body);
      else await api.createWorkspace(project.id, body);
      invalidate("project", "projects");
      onClose();
    } catch (e) { setErr(e.message); }
  };
  return html`<${Dialog} title=${ws ? "Edit workspace" : "Add workspace"} onClose=${onClose} footer=${html`
      <button class="btn right" onClick=${onClose}>Cancel</button><${Button} class="primary" onClick=${save}>${ws ? "Save" : "Add workspace"}</${Button}>`}>
    <div class="dialog-body">
      <div class="row" role="radiogroup" aria-label="Workspace source" style="margin-bottom:10px">
        <label class="check"><input type="radio" name="wss" checked=${f.source === "local"} onChange=${() => setF({ ...f, source: "local" })} />Local folder</label>
        <label class="check"><input type="radio" name="wss" checked=${f.source === "repo"} onChange=${() => setF({ ...f, source: "repo" })} />Git repository</label></div>
      ${f.source === "local" ? html`<div class="field"><label for="ws-cwd">Path</label><input id="ws-cwd" class="input mono" autofocus placeholder="/home/me/code/site" value=${f.cwd} onInput=${set("cwd")} /></div>`
        : html`<div class="grid2"><div class="field"><label for="ws-repo">Repository URL</label><input id="ws-repo" class="input mono" autofocus value=${f.repoUrl} onInput=${set("repoUrl")} /></div>
          <div class="field"><label for="ws-ref">Ref</label><input id="ws-ref" class="input mono" placeholder="main" value=${f.repoRef} onInput=${set("repoRef")} /></div></div>`}
      <div class="field"><label for="ws-name">Name</label><input id="ws-name" class="input" placeholder="Defaults to the folder or repository name" value=${f.name} onInput=${set("name")} /></div>
      ${err ? html`<div class="err small" role="alert" style="color:var(--red)">${err}</div>` : null}
    </div>
  </${Dialog}>`;
}

function Configuration({ project, company, prefix }) {
  const [edit, setEdit] = useState(null); // workspace or "new"
  const [del, setDel] = useState(null);
  const [confirm, setConfirm] = useState(null); // "archive" | "delete"
  const [env, setEnv] = useState(project.env || {});
  const dirty = JSON.stringify(env) !== JSON.stringify(project.env || {});
  useEffect(() => setEnv(project.env || {}), [JSON.stringify(project.env || {})]);
  const saveEnv = async () => {
    await api.updateProject(project.id, { env: Object.keys(env).length ? env : null });
    invalidate("project", "projects");
    toast({ message: "Environment saved" });
  };
  const primary = async (ws) => { try { await api.updateWorkspace(project.id, ws.id, { isPrimary: true }); invalidate("project"); } catch { /* toasted */ } };
  return html`<div>
    <section><div class="row" style="margin-bottom:10px"><h2>Workspaces</h2>
      <button class="btn sm right" onClick=${() => setEdit("new")}><${Icon} name="plus" size=${14} />Add workspace</button></div>
      ${(project.workspaces || []).length === 0 ? html`<div class="card"><${Empty} small>No workspaces. Agents work in their own folder.</${Empty}></div>` : html`<div class="card">
        ${project.workspaces.map((ws) => html`<div class="list-row" style="cursor:default;height:auto;min-height:44px;padding:6px 10px" data-workspace=${ws.name}>
          <${Icon} name=${ws.repoUrl && !ws.cwd ? "link" : "projects"} size=${15} />
          <span class="grow"><strong>${ws.name}</strong>${ws.isPrimary ? html` <span class="badge blue">Primary</span>` : null}
            <div class="mono small muted ellipsis">${ws.cwd || ws.repoUrl}${ws.repoRef ? " @ " + ws.repoRef : ""}</div></span>
          ${ws.isPrimary ? null : html`<button class="btn sm ghost" onClick=${() => primary(ws)}>Set primary</button>`}
          <button class="btn sm ghost icon" aria-label=${"Edit " + ws.name} onClick=${() => setEdit(ws)}><${Icon} name="edit" size=${14} /></button>
          <button class="btn sm ghost icon" aria-label=${"Delete " + ws.name} onClick=${() => setDel(ws)}><${Icon} name="trash" size=${14} /></button>
        </div>`)}</div>`}
    </section>
    <section class="section"><h2>Environment</h2>
      <p class="muted small" style="margin-top:-4px">Set for runs on this project's issues, over the agent's own variables.</p>
      <${EnvEditor} cid=${company.id} value=${env} onChange=${setEnv} />
      <div class="row"><${Button} class="primary sm" disabled=${!dirty} onClick=${saveEnv}>Save environment</${Button}>
        ${dirty ? html`<button class="btn sm ghost" onClick=${() => setEnv(project.env || {})}>Discard changes</button>` : null}</div>
    </section>
    <section class="section card card-pad"><h2 style="margin-bottom:8px">Danger zone</h2>
      <div class="row wrap">
        ${project.archivedAt ? html`<${Button} onClick=${async () => { await api.updateProject(project.id, { archivedAt: null }); invalidate("project", "projects"); }}>Unarchive project</${Button}>`
          : html`<button class="btn" onClick=${() => setConfirm("archive")}>Archive project</button>`}
        <button class="btn danger" onClick=${() => setConfirm("delete")}>Delete project…</button></div>
      <p class="muted small">Archived projects are hidden from the list. Deleting keeps the issues, without a project.</p>
    </section>
    ${edit ? html`<${WorkspaceDialog} project=${project} ws=${edit === "new" ? null : edit} onClose=${() => setEdit(null)} />` : null}
    ${del ? html`<${Confirm} title="Delete workspace" message=${`Delete workspace “${del.name}”? Files on disk are not touched.`} confirmLabel="Delete workspace"
      onConfirm=${async () => { await api.deleteWorkspace(project.id, del.id); invalidate("project"); }} onClose=${() => setDel(null)} />` : null}
    ${confirm === "archive" ? html`<${Confirm} title=${"Archive " + project.name} message="The project is hidden from the list; its issues stay." confirmLabel="Archive project"
      onConfirm=${async () => { await api.updateProject(project.id, { archivedAt: new Date().toISOString() }); invalidate("project", "projects"); }} onClose=${() => setConfirm(null)} />` : null}
    ${confirm === "delete" ? html`<${Confirm} title=${"Delete " + project.name} message=${`Delete project “${project.name}”? Its issues keep existing without a project; workspaces and goal links are removed.`}
      confirmLabel="Delete project" onConfirm=${async () => { await api.deleteProject(project.id); invalidate("projects", "issues"); toast({ message: `Deleted ${project.name}` }); navigate(prefix + "/projects"); }}
      onClose=${() => setConfirm(null)} />` : null}
  </div>`;
}

function ProjectIssues({ project, company, query }) {
  const shell = useShell();
  const view = query.get("view") === "board" ? "board" : "list";
  const q = useQuery(["issues", company.id, { projectId: project.id }], () => api.listIssues(company.id, { projectId: project.id }));
  const newIssue = () => shell.openNewIssue({ projectId: project.id });
  return html`<div>
    <div class="toolbar"><button class="btn sm" onClick=${newIssue}><${Icon} name="plus" size=${14} />New issue</button><span class="grow" />
      <div class="btn-group" role="group" aria-label="View">
        <button type="button" class="btn sm icon" aria-label="List view" aria-pressed=${view === "list" ? "true" : "false"} onClick=${() => setQuery({ view: null })}><${Icon} name="list" size=${14} /></button>
        <button type="button" class="btn sm icon" aria-label="Board view" aria-pressed=${view === "board" ? "true" : "false"} onClick=${() => setQuery({ view: "board" })}><${Icon} name="board" size=${14} /></button></div></div>
    <${Query} q=${q}>${(rows) => rows.length === 0 ? html`<${Empty} action=${html`<button class="btn primary" onClick=${newIssue}>New issue</button>`}>No issues in this project yet.</${Empty}>`
      : view === "board" ? html`<${Board} rows=${rows} agents=${shell.agents} prefix=${company.issuePrefix} company=${company} />`
        : html`<div class="card"><${IssueList} rows=${rows} agents=${shell.agents} prefix=${company.issuePrefix} group="none" /></div>`}</${Query}>
  </div>`;
}

export function ProjectPage({ params, query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const q = useQuery(["project", company.id, params.id], () => api.getProject(company.id, params.id));
  const goals = useQuery(["goals", company.id], () => api.listGoals(company.id));
  const issues = useQuery(["issues", company.id, { all: 1 }], () => api.listIssues(company.id, { limit: 1000 }));
  const project = q.data;
  const tab = TABS.some(([k]) => k === params.tab) ? params.tab : "overview";
  const base = `${prefix}/projects/${params.id}`;
  const crumbs = [{ href: prefix + "/projects", label: "Projects" }];
  useEffect(() => {
    if (!project) return undefined;
    shell.setNewIssueContext({ projectId: project.id });
    return () => shell.setNewIssueContext({});
  }, [project && project.id]);
  const pr = useMemo(() => (project ? issueProgress(issues.data)[project.id] : null) || { open: 0, done: 0, total: 0 }, [issues.data, project && project.id]);
  const save = async (body) => {
    try {
      const p = await api.updateProject(project.id, body);
      invalidate("project", "projects");
      // A rename changes the url key: keep the address pointing at the project.
      if (p.urlKey && p.urlKey !== params.id && params.id !== p.id) navigate(`${prefix}/projects/${p.urlKey}/${tab}`, { replace: true });
    } catch { /* toasted */ }
  };
  if (q.error && q.error.status === 404) return html`<${Page} title="Project not found" crumbs=${crumbs}><p>This project does not exist in ${company.name}.</p></${Page}>`;
  return html`<${Page} title=${project ? project.name : "Project"} crumbs=${crumbs} h1=${false} width=${tab === "issues" ? "full" : "narrow"}
      panel=${project && tab === "overview" ? html`<${Properties} project=${project} agents=${shell.agents} goals=${goals.data} save=${save} />` : null}>
    <${Query} q=${q}>${(project) => html`
      <div class="issue-head"><span style="padding-top:9px"><span class="label-dot" style=${"display:block;width:14px;height:14px;background:" + (project.color || "var(--text-3)")} /></span>
        <${InlineTitle} value=${project.name} onSave=${(name) => save({ name })} label="Project name" /></div>
      <div class="row muted small wrap" style="margin:0 0 14px 24px"><${Pill} value=${projectStatus(project.status)} />
        ${project.archivedAt ? html`<span class="badge">Archived</span>` : null}
        ${project.pauseReason ? html`<span class="badge amber">Paused: ${project.pauseReason}</span>` : null}
        <${Progress} done=${pr.done} total=${pr.total} /><span>${pr.open} open</span></div>
      <${Tabs} label="Project sections" current=${tab} tabs=${TABS.map(([k, label]) => ({ key: k, label, href: `${base}/${k}` }))} />
      ${tab === "overview" ? html`<${InlineMarkdown} key=${project.id} value=${project.description} onSave=${(d) => save({ description: d || null })} />` : null}
      ${tab === "issues" ? html`<${ProjectIssues} project=${project} company=${company} query=${query} />` : null}
      ${tab === "configuration" ? html`<${Configuration} project=${project} company=${company} prefix=${prefix} />` : null}`}</${Query}>
  </${Page}>`;
}
