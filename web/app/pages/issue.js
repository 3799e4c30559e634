// Issue detail: header (status, inline title, identifier, menu), description, the live
// run panel, tabs, and the properties panel with optimistic edits.
import { html, useEffect, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate, useNow } from "../data.js";
import { Page, Query, Avatar, Tabs, Button, Prop, useShell, IssuePriority, RunBadge } from "../components/ui.js";
import { Icon, StatusGlyph } from "../components/icons.js";
import { Picker, usePicker, Confirm } from "../components/dialog.js";
import { Markdown } from "../components/markdown.js";
import { Editor } from "../components/editor.js";
import { toast } from "../components/toasts.js";
import { statusItems, priorityItems, assigneeItems, agentName } from "../components/pickers.js";
import { Transcript, useRunLog } from "../components/transcript.js";
import { useKeys } from "../keys.js";
import { patchIssue } from "../issue-actions.js";
import { CommentsTab, SubIssuesTab, AttachmentsTab, DocumentsTab, RunsTab, ActivityTab } from "./issue-tabs.js";
import { statusLabel, priorityLabel, absTime, ago, duration, runDuration, shortId, money, usage, isLiveRun } from "../format.js";

const TABS = [["comments", "Comments"], ["subissues", "Sub-issues"], ["attachments", "Attachments"], ["documents", "Documents"], ["runs", "Runs"], ["activity", "Activity"]];

function copy(text, what) {
  navigator.clipboard && navigator.clipboard.writeText(text).then(() => toast({ message: `Copied ${what}` }), () => toast({ kind: "error", message: "Copy failed" }));
}

function LiveRunPanel({ issue, prefix }) {
  const shell = useShell();
  const run = useQuery(["activeRun", issue.id], () => api.issueActiveRun(issue.id));
  const [last, setLast] = useState(null);
  const [confirm, setConfirm] = useState(false);
  const r = run.data;
  const live = !!(r && isLiveRun(r.status));
  const now = useNow(1000, live);
  const log = useRunLog(r ? r.id : last ? last.id : null, live);
  useEffect(() => { if (r) setLast(r); }, [r && r.id, r && r.status]);
  // A finished run leaves the active-run slot; fetch its final state for the summary line.
  useEffect(() => {
    if (!r && last && isLiveRun(last.status)) api.getRun(last.id).then(setLast, () => {});
  }, [r, last && last.id]);
  const shown = r || last;
  if (!shown) return null;
  const agentKey = shown.agentId;
  if (!live) {
    const u = usage(shown);
    return html`<div class="live-panel"><header>
      <${RunBadge} status=${shown.status} /><span>Run ${shortId(shown.id)}</span>
      <span class="muted">· ${duration(runDuration(shown))}${u.costCents != null ? " · " + money(u.costCents) : ""}</span>
      <a class="link right" href=${`/${prefix}/agents/${agentKey}/runs/${shown.id}`} onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/agents/${agentKey}/runs/${shown.id}`); }}>View transcript</a>
    </header></div>`;
  }
  return html`<section class="live-panel" aria-label="Live run">
    <header>
      <span class="live-dot" aria-hidden="true" />
      <span role="status"><strong>${shown.agentName || agentName(shell.agents, shown.agentId) || "Agent"}</strong> is working — ${shown.status === "queued" ? "queued" : "running " + duration(runDuration(shown, now))}</span>
      <span class="right row">
        <a class="btn sm" href=${`/${prefix}/agents/${agentKey}/runs/${shown.id}`} onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/agents/${agentKey}/runs/${shown.id}`); }}>Open run</a>
        <button class="btn sm danger" onClick=${() => setConfirm(true)}>Cancel run</button>
      </span>
    </header>
    <${Transcript} chunks=${log.chunks} limit=${200} />
    ${confirm ? html`<${Confirm} title="Cancel run" message=${`Cancel run ${shortId(shown.id)} of ${shown.agentName || "the agent"}? The process is stopped.`}
      confirmLabel="Cancel run" onConfirm=${async () => { await api.cancelRun(shown.id); invalidate("activeRun", "liveRuns"); }} onClose=${() => setConfirm(false)} />` : null}
  </section>`;
}

function Title({ issue }) {
  const [edit, setEdit] = useState(false);
  const [v, setV] = useState(issue.title);
  useEffect(() => { if (!edit) setV(issue.title); }, [issue.title, edit]);
  useKeys({ e: () => setEdit(true) }, []);
  const save = async () => {
    setEdit(false);
    if (v.trim() && v.trim() !== issue.title) await patchIssue(issue, { title: v.trim() }).catch(() => {});
  };
  if (edit) {
    return html`<input class="input issue-title-input grow" aria-label="Title" value=${v} autofocus onInput=${(e) => setV(e.target.value)}
      onBlur=${save} onKeyDown=${(e) => { if (e.key === "Enter") save(); if (e.key === "Escape") { e.stopPropagation(); setEdit(false); } }} />`;
  }
  return html`<h1 class="issue-title" tabindex="0" title="Click to edit (e)" onClick=${() => setEdit(true)} onKeyDown=${(e) => e.key === "Enter" && setEdit(true)}>${issue.title}</h1>`;
}

function Description({ issue }) {
  const [edit, setEdit] = useState(false);
  const [v, setV] = useState(issue.description || "");
  const save = async () => {
    try { await patchIssue(issue, { description: v }); setEdit(false); } catch { /* toasted; keep editing */ }
  };
  if (edit) {
    return html`<div class="section">
      <${Editor} value=${v} onInput=${setV} onSubmit=${save} label="Description" autofocus rows=${8} />
      <div class="row" style="margin-top:8px"><button class="btn primary sm" onClick=${save}>Save</button>
        <button class="btn sm" onClick=${() => { setV(issue.description || ""); setEdit(false); }}>Cancel</button></div>
    </div>`;
  }
  return html`<div class="section" style="margin-top:14px">
    ${issue.description ? html`<${Markdown} source=${issue.description} />` : html`<p class="muted">No description.</p>`}
    <button class="btn ghost sm" style="margin-top:6px" onClick=${() => { setV(issue.description || ""); setEdit(true); }}><${Icon} name="edit" size=${13} />Edit description</button>
  </div>`;
}

function Properties({ issue, agents, prefix, runs }) {
  const [picker, openPicker, closePicker] = usePicker();
  const labels = useQuery(["labels", issue.companyId], () => api.listLabels(issue.companyId));
  // The blocker picker offers the company's other open issues (loaded when first opened).
  const candidates = useQuery(picker && picker.name === "blockers" ? ["issues", issue.companyId, { all: 1 }] : null, () => api.listIssues(issue.companyId, { limit: 1000 }));
  const blockerIds = (issue.blockedBy || []).map((b) => b.id);
  const setBlockers = (ids) => patchIssue(issue, { blockedByIssueIds: ids }).then(() => invalidate("issue"), () => {});
  const who = agentName(agents, issue.assigneeAgentId);
  const assigneeAgent = agents.find((a) => a.id === issue.assigneeAgentId);
  useKeys({
    s: () => openPicker("status", document.getElementById("prop-status")),
    p: () => openPicker("priority", document.getElementById("prop-priority")),
    a: () => openPicker("assignee", document.getElementById("prop-assignee")),
  }, []);
  const cost = (runs || []).reduce((acc, r) => { const u = usage(r); acc.in += u.input; acc.out += u.output; acc.cents += u.costCents || 0; return acc; }, { in: 0, out: 0, cents: 0 });
  const ref = (r) => html`<a class="link" href=${`/${prefix}/issues/${r.identifier}`} onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/issues/${r.identifier}`); }}>${r.identifier}</a>`;
  const labelIds = (issue.labels || []).map((l) => l.id);
  return html`<div>
    <header>Properties</header>
    <div class="props-section">
      <h3>Work</h3>
      <${Prop} k="Status"><button id="prop-status" class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("status", e)}>
        <${StatusGlyph} status=${issue.status} />${statusLabel(issue.status)}</button></${Prop}>
      <${Prop} k="Priority"><button id="prop-priority" class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("priority", e)}>
        <${IssuePriority} priority=${issue.priority} label /></button></${Prop}>
      <${Prop} k="Assignee"><button id="prop-assignee" class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("assignee", e)}>
        ${who ? html`<${Avatar} name=${who} agent />${who}` : "Unassigned"}</button>
        ${assigneeAgent && assigneeAgent.status === "paused" ? html`<div class="small" style="color:var(--amber)">Agent is paused</div>` : null}</${Prop}>
      <${Prop} k="Labels"><button class="btn ghost sm" aria-haspopup="listbox" onClick=${(e) => openPicker("labels", e)}>
        ${(issue.labels || []).length ? issue.labels.map((l) => html`<span class="row" style="gap:4px"><span class="label-dot" style=${"background:" + l.color} />${l.name}</span>`) : "None"}</button></${Prop}>
      ${issue.project ? html`<${Prop} k="Project"><a class="link" href=${`/${prefix}/projects/${issue.project.urlKey || issue.project.id}`}
        onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/projects/${issue.project.urlKey || issue.project.id}`); }}>${issue.project.name}</a></${Prop}>` : null}
      ${issue.goal ? html`<${Prop} k="Goal"><a class="link" href=${`/${prefix}/goals/${issue.goal.id}`}
        onClick=${(e) => { e.preventDefault(); navigate(`/${prefix}/goals/${issue.goal.id}`); }}>${issue.goal.title}</a></${Prop}>` : null}
      <${Prop} k="Billing code">${issue.billingCode || html`<span class="muted">None</span>`}</${Prop}>
      <h3>Relationships</h3>
      <${Prop} k="Parent">${issue.ancestors && issue.ancestors.length ? ref(issue.ancestors[issue.ancestors.length - 1]) : html`<span class="muted">None</span>`}</${Prop}>
      <${Prop} k="Blocked by"><button id="prop-blockers" class="btn ghost sm" aria-haspopup="listbox" aria-label="Blocked by: change blockers" onClick=${(e) => openPicker("blockers", e)}>
        ${blockerIds.length ? html`<span class="ellipsis mono small">${issue.blockedBy.map((b) => b.identifier).join(", ")}</span>` : html`<span class="muted">None</span>`}</button></${Prop}>
      <${Prop} k="Blocks">${issue.blocks && issue.blocks.length ? issue.blocks.map((b) => html`<span style="margin-right:6px">${ref(b)}</span>`) : html`<span class="muted">None</span>`}</${Prop}>
      <h3>About</h3>
      <${Prop} k="Created by">${issue.createdByAgentId ? agentName(agents, issue.createdByAgentId) || "Agent" : "Board"}
        ${issue.originRunId ? html` · <a class="link" href=${`/${prefix}/agents/${issue.createdByAgentId}/runs/${issue.originRunId}`}>run</a>` : null}</${Prop}>
      <${Prop} k="Started">${absTime(issue.startedAt)}</${Prop}>
      ${issue.completedAt ? html`<${Prop} k="Completed">${absTime(issue.completedAt)}</${Prop}>` : null}
      ${issue.cancelledAt ? html`<${Prop} k="Cancelled">${absTime(issue.cancelledAt)}</${Prop}>` : null}
      <${Prop} k="Created">${absTime(issue.createdAt)}</${Prop}>
      <${Prop} k="Updated"><span title=${absTime(issue.updatedAt)}>${ago(issue.updatedAt)}</span></${Prop}>
      <${Prop} k="Cost">${money(cost.cents)} <span class="muted small">· ${cost.in} in / ${cost.out} out</span></${Prop}>
    </div>
    ${picker && picker.name === "status" ? html`<${Picker} anchor=${picker.anchor} label="Status" items=${statusItems(issue.status)} value=${issue.status} onSelect=${(v) => patchIssue(issue, { status: v }).catch(() => {})} onClose=${closePicker} />` : null}
    ${picker && picker.name === "priority" ? html`<${Picker} anchor=${picker.anchor} label="Priority" items=${priorityItems()} value=${issue.priority} onSelect=${(v) => patchIssue(issue, { priority: v }).catch(() => {})} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assignee" ? html`<${Picker} anchor=${picker.anchor} label="Assignee" search items=${assigneeItems(agents)} value=${issue.assigneeAgentId} onSelect=${(v) => patchIssue(issue, { assigneeAgentId: v }).catch(() => {})} onClose=${closePicker} />` : null}
    ${picker && picker.name === "blockers" ? html`<${Picker} anchor=${picker.anchor} label="Blocked by" search multi placeholder="Find an issue…" value=${blockerIds} onClose=${closePicker}
      items=${(candidates.data || []).filter((i) => i.id !== issue.id && (blockerIds.includes(i.id) || (i.status !== "done" && i.status !== "cancelled")))
        .map((i) => ({ value: i.id, label: i.identifier + " " + i.title, icon: html`<${StatusGlyph} status=${i.status} />` }))}
      onSelect=${(v) => setBlockers(blockerIds.includes(v) ? blockerIds.filter((x) => x !== v) : [...blockerIds, v])} />` : null}
    ${picker && picker.name === "labels" ? html`<${Picker} anchor=${picker.anchor} label="Labels" search multi
      items=${(labels.data || []).map((l) => ({ value: l.id, label: l.name, icon: html`<span class="label-dot" style=${"background:" + l.color} />` }))}
      value=${labelIds} onSelect=${(v) => patchIssue(issue, { labelIds: labelIds.includes(v) ? labelIds.filter((x) => x !== v) : [...labelIds, v] }).catch(() => {})} onClose=${closePicker} />` : null}
  </div>`;
}

function Menu({ issue, prefix, agents }) {
  const shell = useShell();
  const [picker, openPicker, closePicker] = usePicker();
  const [confirm, setConfirm] = useState(false);
  const url = location.origin + `/${prefix}/issues/${issue.identifier}`;
  const items = [
    { value: "link", label: "Copy link", icon: html`<${Icon} name="link" />` },
    { value: "ident", label: "Copy identifier", icon: html`<${Icon} name="copy" />` },
    { value: "sub", label: "New sub-issue", icon: html`<${Icon} name="plus" />` },
    { value: "run", label: "Run assignee now", icon: html`<${Icon} name="play" />`, disabled: !issue.assigneeAgentId },
    { value: "release", label: "Release checkout", icon: html`<${Icon} name="key" />`, disabled: !issue.checkoutRunId && !issue.executionRunId },
    { value: "delete", label: "Delete…", icon: html`<${Icon} name="trash" />` },
  ];
  const run = async (v) => {
    if (v === "link") copy(url, "link");
    else if (v === "ident") copy(issue.identifier, "identifier");
    else if (v === "sub") shell.openNewIssue({ parentId: issue.id, parentLabel: issue.identifier });
    else if (v === "run") {
      try {
        const r = await api.wakeAgent(issue.assigneeAgentId, { source: "on_demand", triggerDetail: "manual", reason: "board_requested", payload: { issueId: issue.id } });
        toast(r && r.status === "skipped" ? { kind: "info", message: `Skipped: ${r.reason}` } : { message: `${agentName(agents, issue.assigneeAgentId) || "Agent"} is waking up` });
        invalidate("activeRun", "liveRuns");
      } catch { /* toasted */ }
    } else if (v === "release") {
      try { await api.releaseIssue(issue.id); toast({ message: "Checkout released" }); invalidate("issue"); } catch { /* toasted */ }
    } else if (v === "delete") setConfirm(true);
  };
  return html`<button class="btn ghost icon" aria-label="Issue actions" aria-haspopup="listbox" onClick=${(e) => openPicker("menu", e)}><${Icon} name="more" /></button>
    ${picker ? html`<${Picker} anchor=${picker.anchor} align="right" label="Issue actions" items=${items} onSelect=${run} onClose=${closePicker} />` : null}
    ${confirm ? html`<${Confirm} title=${"Delete " + issue.identifier} message=${`Delete ${issue.identifier} “${issue.title}”? This cannot be undone.`} confirmLabel="Delete issue"
      onConfirm=${async () => { await api.deleteIssue(issue.id); invalidate("issues"); toast({ message: `Deleted ${issue.identifier}` }); navigate(`/${prefix}/issues`); }} onClose=${() => setConfirm(false)} />` : null}`;
}

export function IssuePage({ params, query }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = company.issuePrefix;
  const q = useQuery(["issue", params.identifier], () => api.getIssue(params.identifier));
  const issue = q.data;
  const runs = useQuery(issue ? ["issueRuns", issue.id] : null, () => api.issueRuns(issue.id));
  const tab = TABS.some(([k]) => k === query.get("tab")) ? query.get("tab") : "comments";
  useEffect(() => {
    if (!issue) return undefined;
    api.markRead(issue.id).then(() => invalidate("badges"), () => {});
    shell.setNewIssueContext({ parentId: issue.id, parentLabel: issue.identifier });
    return () => shell.setNewIssueContext({});
  }, [issue && issue.id]);
  const base = `/${prefix}/issues/${params.identifier}`;
  const crumbs = [{ href: `/${prefix}/issues`, label: "Issues" }];
  if (q.error && q.error.status === 404) {
    return html`<${Page} title="Issue not found" crumbs=${crumbs}><p>No issue ${params.identifier} in ${company.name}.</p></${Page}>`;
  }
  return html`<${Page} title=${issue ? issue.identifier : params.identifier} crumbs=${crumbs} h1=${false} width="narrow"
      actions=${issue ? html`<${Menu} issue=${issue} prefix=${prefix} agents=${shell.agents} />` : null}
      panel=${issue ? html`<${Properties} issue=${issue} agents=${shell.agents} prefix=${prefix} runs=${runs.data} />` : null}>
    <${Query} q=${q}>${(issue) => html`
      <div class="issue-head">
        <span style="padding-top:7px"><${StatusGlyph} status=${issue.status} size=${18} /></span>
        <${Title} issue=${issue} />
      </div>
      <div class="row muted small" style="margin-left:28px">
        <span class="ident">${issue.identifier}</span>
        <button class="btn ghost icon sm" aria-label="Copy identifier" onClick=${() => copy(issue.identifier, "identifier")}><${Icon} name="copy" size=${13} /></button>
        <span>${statusLabel(issue.status)} · ${priorityLabel(issue.priority)} priority</span>
        ${issue.ancestors && issue.ancestors.length ? html`<span>· sub-issue of ${issue.ancestors[issue.ancestors.length - 1].identifier}</span>` : null}
      </div>
      <${Description} issue=${issue} key=${issue.id} />
      <${LiveRunPanel} issue=${issue} prefix=${prefix} />
      <div class="section">
        <${Tabs} label="Issue sections" current=${tab} tabs=${TABS.map(([k, label]) => ({ key: k, label, href: k === "comments" ? base : `${base}?tab=${k}` }))} />
        ${tab === "comments" ? html`<${CommentsTab} issue=${issue} agents=${shell.agents} />` : null}
        ${tab === "subissues" ? html`<${SubIssuesTab} issue=${issue} agents=${shell.agents} prefix=${prefix} />` : null}
        ${tab === "attachments" ? html`<${AttachmentsTab} issue=${issue} />` : null}
        ${tab === "documents" ? html`<${DocumentsTab} issue=${issue} />` : null}
        ${tab === "runs" ? html`<${RunsTab} runs=${runs} agents=${shell.agents} prefix=${prefix} />` : null}
        ${tab === "activity" ? html`<${ActivityTab} issue=${issue} agents=${shell.agents} />` : null}
      </div>`}</${Query}>
  </${Page}>`;
}

