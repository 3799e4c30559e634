// Export a company as a package: choose the parts and the agents / projects / issues,
// preview the file tree (per-file checkboxes become selectedFiles), read any file, then
// download the zip. Exports write nothing on the server.
import { html, useMemo, useState } from "../preact.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Button, useShell } from "../components/ui.js";
import { Markdown } from "../components/markdown.js";
import { plural } from "../format.js";

const PARTS = [["agents", "Agents", "Their instructions, adapter and runtime config (secrets become inputs)."],
  ["projects", "Projects", "With goals and workspaces."], ["issues", "Issues", "With comments and documents."],
  ["skills", "Skills", "The company skills the exported agents use."]];
const KINDS = { company: "Company", agent: "Agents", project: "Projects", issue: "Issues", skill: "Skills", extension: "Paperclip sidecar", readme: "Readme", asset: "Assets", other: "Other" };

/** fileText returns a package file's text (binary entries are summarised). */
export function fileText(f) {
  if (typeof f === "string") return f;
  if (f && f.encoding === "base64") return null;
  return f == null ? "" : JSON.stringify(f, null, 2);
}

/** splitFrontmatter separates a markdown file's leading YAML block (shown as text). */
export function splitFrontmatter(t) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(t);
  return m ? [m[1], t.slice(m[0].length)] : [null, t];
}

function Choice({ title, items, selected, setSelected, label }) {
  const all = selected === null;
  const set = new Set(selected || []);
  const toggle = (id) => {
    const next = new Set(all ? items.map((i) => i.id) : set);
    if (next.has(id)) next.delete(id); else next.add(id);
    setSelected(next.size === items.length ? null : [...next]);
  };
  if (!items.length) return null;
  return html`<fieldset class="fieldset pick-list"><legend>${title}</legend>
    <label class="check"><input type="checkbox" checked=${all} onChange=${() => setSelected(all ? [] : null)} /><span>All ${label}</span></label>
    <div class="pick-items">${items.map((i) => html`<label class="check"><input type="checkbox" checked=${all || set.has(i.id)} aria-label=${i.name}
      onChange=${() => toggle(i.id)} /><span>${i.name}</span></label>`)}</div></fieldset>`;
}

export function ExportPage() {
  const shell = useShell();
  const co = shell.company;
  const projects = useQuery(["projects", co.id], () => api.listProjects(co.id));
  const [inc, setInc] = useState({ company: true, agents: true, projects: true, issues: false, skills: true });
  const [agents, setAgents] = useState(null); // null = all
  const [projectSel, setProjectSel] = useState(null);
  const [issueScope, setIssueScope] = useState("all"); // all | projects
  const [preview, setPreview] = useState(null);
  const [deselected, setDeselected] = useState(new Set());
  const [viewing, setViewing] = useState(null);
  const [err, setErr] = useState(null);
  const agentItems = (shell.agents || []).filter((a) => a.status !== "terminated").map((a) => ({ id: a.id, name: a.name }));
  const projectItems = (projects.data || []).map((p) => ({ id: p.id, name: p.name }));

  const body = (files) => {
    const b = { include: inc };
    if (inc.agents && agents !== null) b.agents = agents;
    if (inc.projects && projectSel !== null) b.projects = projectSel;
    // Issues of chosen projects only: the issues part stays off and projectIssues adds them.
    if (inc.issues && issueScope === "projects") { b.include = { ...inc, issues: false }; b.projectIssues = projectSel === null ? projectItems.map((p) => p.id) : projectSel; }
    if (files) b.selectedFiles = files;
    return b;
  };
  const change = (fn) => (...a) => { fn(...a); setPreview(null); setViewing(null); };
  const runPreview = async () => {
    setErr(null);
    try {
      const p = await api.exportPreview(co.id, body());
      setPreview(p);
      setDeselected(new Set());
      setViewing(null);
    } catch (e) { setErr(e.message); }
  };
  const inventory = preview ? (preview.fileInventory || Object.keys(preview.files || {}).map((path) => ({ path, kind: "other" }))) : [];
  const selectedFiles = inventory.map((f) => f.path).filter((p) => !deselected.has(p));
  const download = async () => {
    const { blob, filename } = await api.exportZip(co.id, body(preview && deselected.size ? selectedFiles : undefined));
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  const groups = useMemo(() => {
    const g = {};
    for (const f of inventory) (g[f.kind] = g[f.kind] || []).push(f);
    return Object.entries(g);
  }, [preview]);
  const sidecar = (preview && preview.paperclipExtensionPath) || ".paperclip.yaml";
  const setPart = (k) => change((e) => setInc({ ...inc, [k]: e.target.checked }));
  const counts = preview && preview.counts;

  return html`<${Page} title="Export company" crumbs=${[{ href: `/${co.issuePrefix}/company/settings`, label: "Company settings" }]} width="narrow">
    <p class="muted" style="margin-top:0">A package is a folder of markdown files plus a <code>.paperclip.yaml</code> sidecar: another Paperclip can import it.
      Secret values never leave: variables bound to secrets become inputs the importer fills in.</p>
    <section class="card card-pad section" aria-labelledby="ex-what"><h2 id="ex-what">What to export</h2>
      <label class="check"><input type="checkbox" checked disabled /><span>Company and goals<div class="hint">Name, description, branding, budget and the goal tree. Always included.</div></span></label>
      ${PARTS.map(([k, l, hint]) => html`<label class="check"><input id=${"ex-" + k} type="checkbox" checked=${inc[k]} onChange=${setPart(k)} /><span>${l}<div class="hint">${hint}</div></span></label>`)}
      <div class="grid2" style="margin-top:10px">
        ${inc.agents ? html`<${Choice} title="Agents" label="agents" items=${agentItems} selected=${agents} setSelected=${change(setAgents)} />` : null}
        ${inc.projects || (inc.issues && issueScope === "projects") ? html`<${Choice} title="Projects" label="projects" items=${projectItems} selected=${projectSel} setSelected=${change(setProjectSel)} />` : null}
      </div>
      ${inc.issues ? html`<fieldset class="fieldset"><legend>Issues</legend>
        <label class="check"><input type="radio" name="ex-issues" checked=${issueScope === "all"} onChange=${change(() => setIssueScope("all"))} /><span>Every issue</span></label>
        <label class="check"><input type="radio" name="ex-issues" checked=${issueScope === "projects"} onChange=${change(() => setIssueScope("projects"))} /><span>Only issues of the chosen projects</span></label></fieldset>` : null}
      ${err ? html`<div class="error-box" role="alert" style="margin-bottom:12px">${err}</div>` : null}
      <div class="row"><${Button} class="primary" onClick=${runPreview}>Preview</${Button}>
        <${Button} onClick=${download}>Download zip</${Button}></div>
    </section>
    ${preview ? html`<section class="section" aria-labelledby="ex-preview" data-preview="export"><h2 id="ex-preview">Package preview · <span class="mono">${preview.rootPath}</span></h2>
      ${counts ? html`<div class="chips-row">${["agents", "projects", "issues", "skills", "goals"].map((k) => html`<span class="badge" data-count=${k}>${plural(counts[k] || 0, k.replace(/s$/, ""))}</span>`)}
        <span class="badge" data-count="files">${selectedFiles.length} of ${plural(inventory.length, "file")}</span></div>` : null}
      ${(preview.warnings || []).length ? html`<div class="banner warn" role="status" style="display:block"><strong>Warnings</strong><ul class="plain-list">${preview.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : null}
      <div class="pkg">
        <div class="pkg-tree card" role="group" aria-label="Package files">${groups.map(([kind, files]) => html`<div class="pkg-group"><div class="pkg-kind">${KINDS[kind] || kind}</div>
          ${files.map((f) => html`<div class=${"pkg-file" + (viewing === f.path ? " current" : "")} data-file=${f.path}>
            <input type="checkbox" aria-label=${"Include " + f.path} checked=${!deselected.has(f.path)} disabled=${f.path === sidecar}
              onChange=${() => { const n = new Set(deselected); if (n.has(f.path)) n.delete(f.path); else n.add(f.path); setDeselected(n); }} />
            <button type="button" class="linkish mono" onClick=${() => setViewing(f.path)}>${f.path}</button></div>`)}</div>`)}</div>
        <div class="pkg-view card">${viewing ? html`<div class="pkg-view-head mono small">${viewing}</div>
          ${(() => {
            const t = fileText((preview.files || {})[viewing]);
            if (t === null) return html`<p class="muted" style="padding:12px">Binary file (${((preview.files || {})[viewing] || {}).contentType || "data"}).</p>`;
            if (!/\.md$/i.test(viewing)) return html`<pre class="json pkg-text">${t}</pre>`;
            const [front, md] = splitFrontmatter(t);
            return html`${front ? html`<pre class="json pkg-text pkg-front">${front}</pre>` : null}<div style="padding:4px 14px"><${Markdown} source=${md} /></div>`;
          })()}` : html`<p class="muted" style="padding:14px;margin:0">Choose a file to read it.</p>`}</div>
      </div>
      <div class="row" style="margin-top:12px"><${Button} class="primary" onClick=${download}>Download zip</${Button}>
        <span class="muted small">${deselected.size ? `${deselected.size} files left out` : "Every file included"}</span></div>
    </section>` : null}
  </${Page}>`;
}
