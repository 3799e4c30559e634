// The tabs of the issue page: comments (with @ mentions), sub-issues, attachments,
// documents (revisioned, conflict-aware), runs and activity.
import { html, useEffect, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate } from "../data.js";
import { Query, Empty, Avatar, Button, useShell, IssueStatus, RunBadge } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { Dialog, Confirm } from "../components/dialog.js";
import { Markdown } from "../components/markdown.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { activitySentence } from "../activity-text.js";
import { ago, absTime, bytes, duration, runDuration, shortId, sourceLabel, money, usage, isLiveRun, plural } from "../format.js";

const draftKey = (id) => "paperclip.draft.comment." + id;

export function CommentsTab({ issue, agents }) {
  const shell = useShell();
  const prefix = shell.company.issuePrefix;
  const comments = useQuery(["comments", issue.id], () => api.listComments(issue.id));
  const active = useQuery(["activeRun", issue.id], () => api.issueActiveRun(issue.id));
  const [body, setBody] = useState(() => { try { return sessionStorage.getItem(draftKey(issue.id)) || ""; } catch { return ""; } });
  const [reopen, setReopen] = useState(false);
  const [interrupt, setInterrupt] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => { try { body ? sessionStorage.setItem(draftKey(issue.id), body) : sessionStorage.removeItem(draftKey(issue.id)); } catch { /* off */ } }, [body]);
  const closed = issue.status === "done" || issue.status === "cancelled";
  const running = !!(active.data && isLiveRun(active.data.status));
  const send = async () => {
    if (!body.trim() || busy) return;
    setBusy(true);
    try {
      const payload = { body };
      if (closed && reopen) payload.reopen = true;
      if (running && interrupt) payload.interrupt = true;
      await api.addComment(issue.id, payload);
      setBody(""); setReopen(false); setInterrupt(false);
      invalidate("comments", "issue", "issues", "issueActivity", "activeRun");
    } catch { /* toasted */ } finally { setBusy(false); }
  };
  const author = (c) => (c.authorAgentId ? agentName(agents, c.authorAgentId) || "Agent" : c.authorType === "system" ? "System" : "Board");
  return html`<div>
    <${Query} q=${comments}>${(list) => list.length === 0 ? html`<p class="muted">No comments yet.</p>` : html`<div>
      ${list.map((c) => html`<article class=${"comment" + (c.authorType === "system" ? " system" : "")} key=${c.id} aria-label=${"Comment by " + author(c)}>
        <${Avatar} name=${author(c)} agent=${!!c.authorAgentId} />
        <div class="comment-body">
          <div class="comment-meta"><strong>${author(c)}</strong>
            <span class="muted" title=${absTime(c.createdAt)}>${ago(c.createdAt)}</span>
            ${c.createdByRunId ? html`<a class="link small" href=${`/${prefix}/agents/${c.authorAgentId}/runs/${c.createdByRunId}`}
              onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/agents/${c.authorAgentId}/runs/${c.createdByRunId}`); }}>via run ${shortId(c.createdByRunId)}</a>` : null}</div>
          <${Markdown} source=${c.body} />
        </div></article>`)}
    </div>`}</${Query}>
    <div class="composer">
      <${Editor} value=${body} onInput=${setBody} onSubmit=${send} mentions=${agents.filter((a) => a.status !== "terminated")} label="Comment"
        placeholder="Leave a comment… type @ to mention an agent" rows=${3} id="comment-editor" />
      <div class="row" style="margin-top:8px">
        ${closed ? html`<label class="check"><input type="checkbox" checked=${reopen} onChange=${(e) => setReopen(e.target.checked)} />Reopen issue</label>` : null}
        ${running ? html`<label class="check"><input type="checkbox" checked=${interrupt} onChange=${(e) => setInterrupt(e.target.checked)} />Interrupt current run</label>` : null}
        <span class="muted small right hide-sm"><span class="kbd">Ctrl</span> <span class="kbd">Enter</span></span>
        <button class="btn primary sm" disabled=${busy || !body.trim()} onClick=${send}>${busy ? html`<span class="spinner" />` : null}Comment</button>
      </div>
    </div>
  </div>`;
}

export function SubIssuesTab({ issue, agents, prefix }) {
  const shell = useShell();
  const kids = useQuery(["issues", issue.companyId, { parentId: issue.id }], () => api.listIssues(issue.companyId, { parentId: issue.id }));
  return html`<div>
    <div class="toolbar"><${Query} q=${kids} lines=${1}>${(list) => html`<span class="muted small">${list.filter((i) => i.status === "done").length}/${list.length} done</span>`}</${Query}>
      <button class="btn sm right" onClick=${() => shell.openNewIssue({ parentId: issue.id, parentLabel: issue.identifier })}><${Icon} name="plus" size=${14} />New sub-issue</button></div>
    <${Query} q=${kids}>${(list) => list.length === 0 ? html`<${Empty} small>No sub-issues.</${Empty}>` : list.map((k) => html`
      <a class="list-row" href=${`/${prefix}/issues/${k.identifier}`} onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/issues/${k.identifier}`); }}>
        <${IssueStatus} status=${k.status} /><span class="ident">${k.identifier}</span><span class="title">${k.title}</span>
        <span class="muted small">${agentName(agents, k.assigneeAgentId) || "Unassigned"}</span></a>`)}</${Query}>
  </div>`;
}

export function AttachmentsTab({ issue }) {
  const list = useQuery(["attachments", issue.id], () => api.listAttachments(issue.id));
  const [uploads, setUploads] = useState([]);
  const [confirm, setConfirm] = useState(null);
  const [view, setView] = useState(null);
  const upload = async (files) => {
    for (const f of files) {
      setUploads((u) => [...u, f.name]);
      try { await api.uploadAttachment(issue.companyId, issue.id, f); toast({ message: `Uploaded ${f.name}` }); } catch { /* toasted (422 size/type) */ }
      setUploads((u) => u.filter((n) => n !== f.name));
    }
    invalidate("attachments", "issueActivity");
  };
  // Files dropped anywhere on the page while this tab is open are uploaded.
  useEffect(() => {
    const over = (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) e.preventDefault(); };
    const drop = (e) => { if (e.dataTransfer && e.dataTransfer.files.length) { e.preventDefault(); upload([...e.dataTransfer.files]); } };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => { window.removeEventListener("dragover", over); window.removeEventListener("drop", drop); };
  }, [issue.id]);
  return html`<div>
    <div class="toolbar"><label class="btn sm"><${Icon} name="upload" size=${14} />Upload files
      <input type="file" multiple class="sr-only" onChange=${(e) => { upload([...e.target.files]); e.target.value = ""; }} /></label>
      <span class="muted small">or drop files anywhere on the page</span>
      ${uploads.map((n) => html`<span class="chip"><span class="spinner" />${n}</span>`)}</div>
    <${Query} q=${list}>${(items) => items.length === 0 ? html`<${Empty} small>No attachments.</${Empty}>` : html`<table class="table stack">
      <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Uploaded</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${items.map((a) => html`<tr>
        <td class="primary">${a.contentType && a.contentType.startsWith("image/") && a.contentType !== "image/svg+xml"
          ? html`<button class="btn ghost sm" onClick=${() => setView(a)}><${Icon} name="file" size=${14} />${a.originalFilename || a.id}</button>`
          : html`<a class="link" href=${api.attachmentURL(a, true)}><${Icon} name="file" size=${14} /> ${a.originalFilename || a.id}</a>`}</td>
        <td class="muted">${bytes(a.byteSize)}</td><td class="muted" title=${absTime(a.createdAt)}>${ago(a.createdAt)}</td>
        <td><button class="btn ghost icon sm" aria-label=${"Delete " + (a.originalFilename || "attachment")} onClick=${() => setConfirm(a)}><${Icon} name="trash" size=${14} /></button></td>
      </tr>`)}</tbody></table>`}</${Query}>
    ${view ? html`<${Dialog} title=${view.originalFilename || "Image"} wide onClose=${() => setView(null)}>
      <div class="dialog-body"><img src=${api.attachmentURL(view)} alt=${view.originalFilename || ""} style="max-width:100%" /></div></${Dialog}>` : null}
    ${confirm ? html`<${Confirm} title="Delete attachment" message=${`Delete ${confirm.originalFilename || "this attachment"}?`} confirmLabel="Delete"
      onConfirm=${async () => { await api.deleteAttachment(confirm.id); invalidate("attachments"); }} onClose=${() => setConfirm(null)} />` : null}
  </div>`;
}

function DocumentView({ issue, docKey, onClose }) {
  const doc = useQuery(["documents", issue.id, docKey], () => api.getDocument(issue.id, docKey));
  const [edit, setEdit] = useState(null);
  // The revision the edit started from: taken when editing begins, not at save time, so a
  // refetch while editing (live updates, polling) cannot turn someone else's newer
  // revision into our base and overwrite it silently.
  const [base, setBase] = useState(null);
  const [conflict, setConflict] = useState(null); // the server's 409: message and its current revision
  const [history, setHistory] = useState(null);
  const startEdit = (d) => { setBase(d.latestRevisionId); setEdit(d.body); };
  const save = async (baseRevisionId = base) => {
    try {
      // 409 is answered by the conflict dialog, not a toast.
      await api.putDocument(issue.id, docKey, { title: doc.data.title, format: "markdown", body: edit, baseRevisionId }, { quiet: [409] });
      setEdit(null); setBase(null); setConflict(null);
      invalidate("documents");
    } catch (e) { if (e.status === 409) setConflict({ message: e.message, current: e.details && e.details.currentRevisionId }); }
  };
  const reload = () => { setConflict(null); setEdit(null); setBase(null); invalidate("documents"); };
  const showHistory = async () => { try { setHistory(await api.documentRevisions(issue.id, docKey)); } catch { /* toasted */ } };
  return html`<div class="card card-pad" style="margin-bottom:12px">
    <${Query} q=${doc}>${(d) => html`
      <div class="row" style="margin-bottom:8px"><strong>${d.title || d.key}</strong><span class="ident">${d.key} · rev ${d.latestRevisionNumber}</span>
        <span class="right row">
          ${edit === null ? html`<button class="btn sm" onClick=${() => startEdit(d)}>Edit</button>` : null}
          <button class="btn sm" onClick=${showHistory}>History</button>
          <button class="btn ghost icon sm" aria-label="Close document" onClick=${onClose}><${Icon} name="x" size=${14} /></button></span></div>
      ${edit !== null ? html`<${Editor} value=${edit} onInput=${setEdit} onSubmit=${() => save()} label=${"Document " + d.key} rows=${12} autofocus />
        <div class="row" style="margin-top:8px"><button class="btn primary sm" onClick=${() => save()}>Save</button><button class="btn sm" onClick=${() => { setEdit(null); setBase(null); }}>Cancel</button></div>`
        : html`<${Markdown} source=${d.body} />`}
      ${history ? html`<div class="section"><h2>History</h2>${history.map((r) => html`<div class="row feed-row">
        <span>rev ${r.revisionNumber}</span><span class="muted">${ago(r.createdAt)}</span>
        <${Button} class="sm right" onClick=${async () => { await api.restoreDocument(issue.id, docKey, r.id); setHistory(null); invalidate("documents"); }}>Restore</${Button}></div>`)}</div>` : null}
      ${conflict ? html`<${Dialog} title="Document changed on the server" onClose=${() => setConflict(null)} footer=${html`
          <button class="btn right" onClick=${() => { navigator.clipboard && navigator.clipboard.writeText(edit); toast({ message: "Copied your text" }); }}>Copy my text</button>
          ${conflict.current ? html`<button class="btn danger" onClick=${() => save(conflict.current)}>Overwrite with mine</button>` : null}
          <button class="btn primary" onClick=${reload}>Reload latest</button>`}>
        <div class="dialog-body"><p class="conflict-message"><strong>${conflict.message}</strong></p>
          <p>A newer revision was saved while you were editing. Reload it (your text is discarded; copy it first), or overwrite it with your text.</p></div></${Dialog}>` : null}
    `}</${Query}>
  </div>`;
}

export function DocumentsTab({ issue }) {
  const docs = useQuery(["documents", issue.id], () => api.listDocuments(issue.id));
  const [open, setOpen] = useState(null);
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState({ key: "", title: "", body: "" });
  const [confirm, setConfirm] = useState(null);
  const create = async () => {
    try {
      await api.putDocument(issue.id, form.key.trim(), { title: form.title || null, format: "markdown", body: form.body });
      setCreating(false); setOpen(form.key.trim()); setForm({ key: "", title: "", body: "" });
      invalidate("documents", "issue");
    } catch { /* toasted */ }
  };
  return html`<div>
    <div class="toolbar"><button class="btn sm" onClick=${() => setCreating(true)}><${Icon} name="plus" size=${14} />New document</button></div>
    ${open ? html`<${DocumentView} key=${open} issue=${issue} docKey=${open} onClose=${() => setOpen(null)} />` : null}
    <${Query} q=${docs}>${(list) => list.length === 0 ? html`<${Empty} small>No documents.</${Empty}>` : list.map((d) => html`
      <div class="list-row" role="button" tabindex="0" onClick=${() => setOpen(d.key)} onKeyDown=${(e) => e.key === "Enter" && setOpen(d.key)}>
        <${Icon} name="file" /><span class="title">${d.title || d.key}</span><span class="ident">${d.key}</span>
        <span class="muted small">rev ${d.latestRevisionNumber} · ${ago(d.updatedAt)}</span>
        <button class="btn ghost icon sm" aria-label=${"Delete document " + d.key} onClick=${(e) => { e.stopPropagation(); setConfirm(d); }}><${Icon} name="trash" size=${14} /></button>
      </div>`)}</${Query}>
    ${creating ? html`<${Dialog} title="New document" onClose=${() => setCreating(false)} footer=${html`<button class="btn right" onClick=${() => setCreating(false)}>Cancel</button>
        <button class="btn primary" disabled=${!form.key.trim()} onClick=${create}>Create</button>`}>
      <div class="dialog-body">
        <div class="field"><label for="doc-key">Key</label><input id="doc-key" class="input" autofocus placeholder="plan" value=${form.key} onInput=${(e) => setForm({ ...form, key: e.target.value })} /></div>
        <div class="field"><label for="doc-title">Title</label><input id="doc-title" class="input" value=${form.title} onInput=${(e) => setForm({ ...form, title: e.target.value })} /></div>
        <${Editor} value=${form.body} onInput=${(body) => setForm((f) => ({ ...f, body }))} onSubmit=${() => form.key.trim() && create()} label="Document body" rows=${8} id="doc-body" />
      </div></${Dialog}>` : null}
    ${confirm ? html`<${Confirm} title="Delete document" message=${`Delete document “${confirm.title || confirm.key}” and its history?`} confirmLabel="Delete"
      onConfirm=${async () => { await api.deleteDocument(issue.id, confirm.key); if (open === confirm.key) setOpen(null); invalidate("documents", "issue"); }} onClose=${() => setConfirm(null)} />` : null}
  </div>`;
}

/** RunTable lists runs (status, agent, source, started, duration, cost) → run detail. */
export function RunTable({ runs, agents, prefix, showAgent = true }) {
  if (!runs.length) return html`<${Empty} small>No runs yet.</${Empty}>`;
  const go = (r) => navigate(`/${prefix}/agents/${r.agentId}/runs/${r.id}`);
  return html`<table class="table stack">
    <thead><tr><th scope="col">Status</th>${showAgent ? html`<th scope="col">Agent</th>` : null}<th scope="col">Source</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Tokens</th><th scope="col">Cost</th></tr></thead>
    <tbody>${runs.map((r) => { const u = usage(r); return html`<tr class="clickable" tabindex="0" onClick=${() => go(r)} onKeyDown=${(e) => e.key === "Enter" && go(r)}>
      <td class="primary"><${RunBadge} status=${r.status} /> <span class="ident">${shortId(r.id)}</span></td>
      ${showAgent ? html`<td>${agentName(agents, r.agentId) || r.agentName || "—"}</td>` : null}
      <td class="muted">${sourceLabel(r.invocationSource)}</td>
      <td class="muted" title=${absTime(r.startedAt || r.createdAt)}>${ago(r.startedAt || r.createdAt)}</td>
      <td class="muted">${duration(runDuration(r))}</td>
      <td class="muted">${u.input || u.output ? `${u.input}/${u.cached}/${u.output}` : "—"}</td>
      <td class="muted">${u.costCents != null ? money(u.costCents) : "—"}</td></tr>`; })}</tbody></table>`;
}

export function RunsTab({ runs, agents, prefix }) {
  return html`<${Query} q=${runs}>${(list) => html`<${RunTable} runs=${list} agents=${agents} prefix=${prefix} />`}</${Query}>`;
}

export function ActivityTab({ issue, agents }) {
  const act = useQuery(["issueActivity", issue.id], () => api.issueActivity(issue.id));
  return html`<${Query} q=${act}>${(rows) => rows.length === 0 ? html`<${Empty} small>No activity yet.</${Empty}>` : html`<div class="card">
    ${rows.map((a) => html`<div class="feed-row"><span class="grow">${activitySentence(a, agents)}</span><span class="muted small nowrap" title=${absTime(a.createdAt)}>${ago(a.createdAt)}</span></div>`)}</div>`}</${Query}>`;
}

