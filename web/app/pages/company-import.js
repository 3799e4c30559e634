// Import a company package: a .zip or a folder (read in the browser and sent inline),
// into a new company or this one, with a collision strategy. Preview first — the plan
// of what will be created, updated or skipped, warnings, errors and the env inputs —
// and only then Import, which lists what was created.
import { html, useState } from "../preact.js";
import { Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Page, Button, Pill, useShell } from "../components/ui.js";
import { plural } from "../format.js";

const STRATEGIES = [
  ["rename", "Rename", "Import clashing agents and projects under the next free name (CEO → CEO 2)."],
  ["skip", "Skip", "Keep what exists; references in the package point at the existing one."],
  ["replace", "Replace", "Update the existing entity in place from the package."],
];
const TEXT = /\.(md|markdown|ya?ml|txt|json|toml|csv|sh|py|js|ts|go|html|css|svg)$/i;
const ACTIONS = { create: ["Create", "green"], update: ["Update", "amber"], skip: ["Skip", "gray"], none: ["Unchanged", "gray"] };

/** readFolder turns a directory picker's FileList into an inline package source. */
export async function readFolder(fileList) {
  const files = {};
  for (const f of fileList) {
    const path = (f.webkitRelativePath || f.name).replace(/^\/+/, "");
    if (TEXT.test(path) && f.size <= 1 << 20) files[path] = await f.text();
    else {
      const buf = new Uint8Array(await f.arrayBuffer());
      let bin = "";
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      files[path] = { encoding: "base64", data: btoa(bin), contentType: f.type || "application/octet-stream" };
    }
  }
  const roots = new Set(Object.keys(files).map((p) => p.split("/")[0]));
  return { type: "inline", rootPath: roots.size === 1 && Object.keys(files).every((p) => p.includes("/")) ? [...roots][0] : undefined, files };
}

/** planRows flattens a preview plan into table rows: kind, slug, action, name, reason. */
export function planRows(plan) {
  const rows = [];
  if (!plan) return rows;
  if (plan.companyAction && plan.companyAction !== "none") rows.push({ kind: "Company", slug: "", action: plan.companyAction, name: "", reason: null });
  const add = (kind, list, nameKey) => (list || []).forEach((p) => rows.push({ kind, slug: p.slug, action: p.action, name: p[nameKey] || "", reason: p.reason }));
  add("Goal", plan.goalPlans, "plannedTitle");
  add("Agent", plan.agentPlans, "plannedName");
  add("Project", plan.projectPlans, "plannedName");
  add("Skill", plan.skillPlans, "plannedSlug");
  add("Issue", plan.issuePlans, "plannedTitle");
  return rows;
}

export function ImportPage() {
  const shell = useShell();
  const co = shell.company; // null on /companies/import: new company only
  const admin = useQuery(["instanceAdmin"], () => api.isInstanceAdmin());
  const [source, setSource] = useState(null); // {zip: File} | {inline: source, name}
  const [target, setTarget] = useState(co ? "existing" : "new");
  const [newName, setNewName] = useState("");
  const [strategy, setStrategy] = useState("rename");
  const [agents, setAgents] = useState("all");
  const [preview, setPreview] = useState(null);
  const [err, setErr] = useState(null);
  const [inputs, setInputs] = useState({});
  const [result, setResult] = useState(null);
  const canReplace = target === "existing" && admin.data === true;

  const reset = () => { setPreview(null); setErr(null); setResult(null); };
  const change = (fn) => (v) => { fn(v); reset(); };
  const body = (apply) => {
    const b = {
      source: source && source.inline ? source.inline : undefined,
      target: target === "new" ? { mode: "new_company", ...(newName.trim() ? { newCompanyName: newName.trim() } : {}) } : { mode: "existing_company", companyId: co.id },
      collisionStrategy: target === "new" ? "rename" : strategy,
      agents,
    };
    if (apply) {
      const sv = {};
      for (const [k, v] of Object.entries(inputs)) if (v !== "") sv[k] = v;
      b.secretValues = sv;
    }
    return b;
  };
  // The company-scoped routes are the safe ones (this company, never replace); the
  // board-level ones create companies and may replace.
  const routeCompany = target === "existing" && strategy !== "replace" ? co.id : null;
  const zip = source && source.zip;
  const runPreview = async () => {
    setErr(null);
    try {
      const p = await api.importPreview(routeCompany, body(false), zip);
      setPreview(p);
      setResult(null);
    } catch (e) { setErr(e); setPreview(null); }
  };
  const apply = async () => {
    setErr(null);
    try {
      const r = await api.importApply(routeCompany, body(true), zip);
      setResult(r);
      invalidate("companies", "agents", "projects", "goals", "issues", "skills", "activity");
    } catch (e) { setErr(e); }
  };
  const pickZip = (e) => { const f = e.target.files[0]; if (f) { setSource({ zip: f, name: f.name }); reset(); } };
  const pickFolder = async (e) => {
    const list = e.target.files;
    if (!list || !list.length) return;
    const inline = await readFolder(list);
    setSource({ inline, name: (inline.rootPath || "folder") + ` (${plural(Object.keys(inline.files).length, "file")})` });
    reset();
  };
  const manifestAgents = (preview && preview.manifest && preview.manifest.agents) || [];
  const rows = planRows(preview && preview.plan);
  const errors = (preview && preview.errors) || [];
  const envInputs = (preview && preview.envInputs) || [];
  const crumbs = co ? [{ href: `/${co.issuePrefix}/company/settings`, label: "Company settings" }] : [{ href: "/companies", label: "Companies" }];

  if (result) return html`<${Page} title="Import finished" crumbs=${crumbs} width="narrow"><${ImportResult} result=${result} co=${co} /></${Page}>`;
  return html`<${Page} title="Import company" crumbs=${crumbs} width="narrow">
    <section class="card card-pad section" aria-labelledby="im-source"><h2 id="im-source">Package</h2>
      <div class="row wrap">
        <button type="button" class="btn" onClick=${() => document.getElementById("im-zip").click()}>Choose .zip</button>
        <input id="im-zip" class="sr-only" type="file" tabindex="-1" aria-label="Package zip" accept=".zip,application/zip" onChange=${pickZip} />
        <button type="button" class="btn" onClick=${() => document.getElementById("im-folder").click()}>Choose folder</button>
        <input id="im-folder" class="sr-only" type="file" tabindex="-1" aria-label="Package folder" webkitdirectory="" multiple onChange=${pickFolder} />
        <span class="muted small" data-source>${source ? source.name : "No package chosen"}</span></div>
    </section>
    <section class="card card-pad section" aria-labelledby="im-target"><h2 id="im-target">Import into</h2>
      <label class="check"><input type="radio" name="im-target" checked=${target === "new"} onChange=${() => change(setTarget)("new")} /><span>A new company</span></label>
      ${target === "new" ? html`<div class="field" style="margin:4px 0 10px 24px;max-width:320px"><label for="im-name">Name</label>
        <input id="im-name" class="input" placeholder="The package's name" value=${newName} onInput=${(e) => change(setNewName)(e.target.value)} /></div>` : null}
      ${co ? html`<label class="check"><input type="radio" name="im-target" checked=${target === "existing"} onChange=${() => change(setTarget)("existing")} /><span>This company (${co.name})</span></label>` : null}
      ${target === "existing" ? html`<fieldset class="fieldset" style="margin-top:10px"><legend>When names clash</legend>
        ${STRATEGIES.filter(([v]) => v !== "replace" || canReplace).map(([v, l, hint]) => html`<label class="check"><input type="radio" name="im-strategy" value=${v}
          checked=${strategy === v} onChange=${() => change(setStrategy)(v)} /><span>${l}<div class="hint">${hint}</div></span></label>`)}</fieldset>` : null}
      ${manifestAgents.length ? html`<fieldset class="fieldset pick-list"><legend>Agents to import</legend>
        <label class="check"><input type="checkbox" checked=${agents === "all"} onChange=${() => change(setAgents)(agents === "all" ? [] : "all")} /><span>All agents</span></label>
        <div class="pick-items">${manifestAgents.map((a) => html`<label class="check"><input type="checkbox" aria-label=${a.name}
          checked=${agents === "all" || agents.includes(a.slug)} onChange=${() => {
            const cur = agents === "all" ? manifestAgents.map((x) => x.slug) : agents;
            const next = cur.includes(a.slug) ? cur.filter((s) => s !== a.slug) : [...cur, a.slug];
            setAgents(next.length === manifestAgents.length ? "all" : next);
          }} /><span>${a.name}</span></label>`)}</div></fieldset>` : null}
      ${err ? html`<div class="error-box" role="alert" style="margin:10px 0">${err.message}${err.details && err.details.errors ? html`<ul class="plain-list">${err.details.errors.map((x) => html`<li>${typeof x === "string" ? x : x.message || JSON.stringify(x)}</li>`)}</ul>` : null}</div>` : null}
      <div class="row" style="margin-top:8px"><${Button} class="primary" disabled=${!source} onClick=${runPreview}>${preview ? "Preview again" : "Preview"}</${Button}>
        ${!source ? html`<span class="muted small">Choose a package first.</span>` : null}</div>
    </section>
    ${preview ? html`<section class="section" aria-labelledby="im-plan" data-preview="import"><h2 id="im-plan">What will happen</h2>
      <p class="muted" style="margin-top:0">${preview.targetCompanyName ? html`Into <strong>${preview.targetCompanyName}</strong>` : "Into a new company"} ·
        collisions: ${preview.collisionStrategy}. Nothing is written until you press Import.</p>
      ${errors.length ? html`<div class="error-box" role="alert" style="margin-bottom:12px"><strong>Import blocked</strong><ul class="plain-list">${errors.map((x) => html`<li>${typeof x === "string" ? x : x.message || JSON.stringify(x)}</li>`)}</ul></div>` : null}
      ${(preview.warnings || []).length ? html`<div class="banner warn" role="status" style="display:block"><strong>Warnings</strong><ul class="plain-list">${preview.warnings.map((w) => html`<li>${typeof w === "string" ? w : w.message || JSON.stringify(w)}</li>`)}</ul></div>` : null}
      <div class="table-wrap"><table class="table stack" aria-label="Import plan">
        <thead><tr><th scope="col">Entity</th><th scope="col">Action</th><th scope="col">Name</th><th scope="col">Why</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr data-plan=${r.kind + ":" + r.slug} data-action=${r.action}>
          <td data-label="Entity"><span class="muted">${r.kind}</span> ${r.slug ? html`<span class="mono small">${r.slug}</span>` : null}</td>
          <td data-label="Action"><${Pill} value=${ACTIONS[r.action] || [r.action, "gray"]} /></td>
          <td data-label="Name">${r.name}</td><td data-label="Why" class="muted small">${r.reason || ""}</td></tr>`)}</tbody></table></div>
      ${envInputs.length ? html`<fieldset class="fieldset" style="margin-top:16px"><legend>Inputs</legend>
        <p class="muted small" style="margin-top:4px">Values for the package's environment variables. Secrets are stored as company secrets; leave empty to set them later.</p>
        ${envInputs.map((i) => { const id = "in-" + i.key + "-" + (i.agentSlug || i.projectSlug || ""); return html`<div class="field"><label for=${id}><span class="mono">${i.key}</span>
          <span class="muted small"> · ${i.agentSlug ? "agent " + i.agentSlug : i.projectSlug ? "project " + i.projectSlug : ""}${i.requirement === "required" ? " · required" : ""}</span></label>
          <input id=${id} class="input mono" type=${i.kind === "secret" ? "password" : "text"} autocomplete="off" placeholder=${i.defaultValue || ""}
            value=${inputs[i.key] || ""} onInput=${(e) => setInputs({ ...inputs, [i.key]: e.target.value })} />
          ${i.description ? html`<div class="hint">${i.description}</div>` : null}</div>`; })}</fieldset>` : null}
      <div class="row" style="margin-top:14px"><${Button} class="primary" disabled=${errors.length > 0} onClick=${apply}>Import</${Button}>
        <span class="muted small">${plural(rows.filter((r) => r.action === "create").length, "entity", "entities")} to create</span></div>
    </section>` : null}
  </${Page}>`;
}

function ImportResult({ result, co }) {
  const c = result.company || {};
  const shell = useShell();
  const target = (shell.companies || []).find((x) => x.id === c.id) || (co && co.id === c.id ? co : null);
  const p = target ? "/" + target.issuePrefix : null;
  const list = (title, items, label, href) => (items || []).length ? html`<section class="section"><h2>${title}</h2><ul class="plain-list result-list">
    ${items.map((i) => html`<li data-result=${i.slug || i.originalSlug}><${Pill} value=${[i.action, i.action === "created" ? "green" : i.action === "skipped" ? "gray" : "amber"]} />
      ${p && href && i.id && i.action !== "skipped" ? html`<${Link} href=${href(i)}>${label(i)}</${Link}>` : html`<span>${label(i)}</span>`}
      ${i.reason ? html`<span class="muted small"> — ${i.reason}</span>` : null}</li>`)}</ul></section>` : null;
  return html`
    <div class="banner" role="status" style="display:block"><strong>${c.action === "created" ? `Created ${c.name}` : `Imported into ${c.name}`}.</strong>
      <div class="small" style="margin-top:4px">Imported agents have their timer heartbeat turned off — enable it per agent when ready.</div></div>
    ${p ? html`<div class="row"><${Link} class="btn primary" href=${p + "/dashboard"}>Open ${c.name}</${Link}></div>` : null}
    ${list("Agents", result.agents, (i) => i.name, (i) => `${p}/agents/${i.id}`)}
    ${list("Projects", result.projects, (i) => i.name, (i) => `${p}/projects/${i.id}`)}
    ${list("Goals", result.goals, (i) => i.title, (i) => `${p}/goals/${i.id}`)}
    ${list("Issues", result.issues, (i) => i.identifier || i.slug, (i) => `${p}/issues/${i.identifier || i.id}`)}
    ${list("Skills", result.skills, (i) => i.slug, null)}
    ${(result.warnings || []).length ? html`<div class="banner warn" style="display:block"><strong>Warnings</strong><ul class="plain-list">${result.warnings.map((w) => html`<li>${typeof w === "string" ? w : w.message || JSON.stringify(w)}</li>`)}</ul></div>` : null}`;
}
