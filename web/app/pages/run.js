// Run detail: header facts, the transcript (live while the run works), the invocation,
// lifecycle events and output excerpts.
import { html, useEffect, useState } from "../preact.js";
import { Link } from "../router.js";
import * as api from "../api.js";
import { useQuery, useNow, invalidate } from "../data.js";
import { Page, Query, RunBadge, Button, useShell } from "../components/ui.js";
import { Confirm } from "../components/dialog.js";
import { Transcript, useRunLog, stripAnsi } from "../components/transcript.js";
import { toast } from "../components/toasts.js";
import { agentName } from "../components/pickers.js";
import { sourceLabel, absTime, duration, runDuration, usage, money, shortId, isLiveRun } from "../format.js";

function Fact({ k, children }) {
  return html`<div><div class="muted tiny">${k}</div><div class="small">${children}</div></div>`;
}

function Events({ runId, live }) {
  const ev = useQuery(["runEvents", runId], () => api.runEvents(runId));
  const shell = useShell();
  useEffect(() => (live && shell.onRunEvent ? shell.onRunEvent((e) => { if (e.type === "heartbeat.run.event" && e.payload && e.payload.runId === runId) invalidate(["runEvents", runId]); }) : undefined), [runId, live]);
  return html`<${Query} q=${ev}>${(rows) => html`<div>
    ${(() => { const inv = rows.find((r) => r.eventType === "adapter.invoke"); if (!inv) return null; const pl = inv.payload || {};
      return html`<section class="section"><h2>Invocation</h2><div class="card card-pad small">
        ${pl.command ? html`<div><span class="muted">Command</span> <code>${[pl.command, ...(pl.commandArgs || [])].join(" ")}</code></div>` : null}
        ${pl.url ? html`<div><span class="muted">Request</span> <code>${pl.method} ${pl.url}</code></div>` : null}
        ${pl.cwd ? html`<div><span class="muted">Working directory</span> <code>${pl.cwd}</code></div>` : null}
        ${pl.env ? html`<details><summary>Environment</summary><pre class="json">${Object.entries(pl.env).map(([k, v]) => `${k}=${v}`).join("\n")}</pre></details>` : null}
        ${pl.prompt ? html`<details><summary>Prompt (${pl.promptChars || pl.prompt.length} chars)</summary><pre class="json" style="white-space:pre-wrap">${pl.prompt}</pre></details>` : null}
        ${(pl.commandNotes || []).map((n) => html`<div class="muted">${n}</div>`)}
      </div></section>`; })()}
    <section class="section"><h2>Events</h2>${rows.length === 0 ? html`<p class="muted">No events.</p>` : html`<table class="table">
      <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Message</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td class="mono">${r.seq}</td><td class="muted nowrap">${absTime(r.createdAt)}</td><td>${r.level || r.eventType}</td>
        <td>${r.message || r.eventType}</td></tr>`)}</tbody></table>`}</section>
  </div>`}</${Query}>`;
}

export function RunPage({ params }) {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const q = useQuery(["run", params.runId], () => api.getRun(params.runId));
  const run = q.data;
  const live = !!(run && isLiveRun(run.status));
  const now = useNow(1000, live);
  const log = useRunLog(params.runId, live);
  const [raw, setRaw] = useState(false);
  const [cancel, setCancel] = useState(false);
  const issue = useQuery(run && run.issueId ? ["issue", run.issueId] : null, () => api.getIssue(run.issueId));
  const agentKey = params.agentKey;
  const crumbs = [{ href: prefix + "/agents", label: "Agents" }, { href: `${prefix}/agents/${agentKey}`, label: (run && agentName(shell.agents, run.agentId)) || "Agent" }];
  const download = () => {
    const blob = new Blob([log.chunks.map((c) => JSON.stringify(c)).join("\n") + "\n"], { type: "application/x-ndjson" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `run-${params.runId}.ndjson`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const again = async () => {
    const r = await api.wakeAgent(run.agentId, { source: "on_demand", triggerDetail: "manual", reason: "run_again", payload: run.issueId ? { issueId: run.issueId } : null });
    toast(r && r.status === "skipped" ? { kind: "info", message: "Skipped: " + r.reason } : { message: "Run queued", link: r && r.id ? { href: `${prefix}/agents/${agentKey}/runs/${r.id}`, label: "Open" } : null });
  };
  return html`<${Page} title=${"Run " + shortId(params.runId)} crumbs=${crumbs}
      actions=${run ? html`${live ? html`<button class="btn sm danger" onClick=${() => setCancel(true)}>Cancel run</button>` : null}<${Button} class="sm" onClick=${again}>Run again</${Button}>` : null}>
    <${Query} q=${q}>${(run) => { const u = usage(run); return html`
      <div class="card card-pad" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px">
        <${Fact} k="Status"><${RunBadge} status=${run.status} /></${Fact}>
        <${Fact} k="Source">${sourceLabel(run.invocationSource)}${run.triggerDetail ? " · " + run.triggerDetail : ""}</${Fact}>
        <${Fact} k="Issue">${run.issueId ? html`<${Link} class="link" href=${issue.data ? `${prefix}/issues/${issue.data.identifier}` : "#"}>${issue.data ? issue.data.identifier + " " + issue.data.title : "…"}</${Link}>` : "—"}</${Fact}>
        <${Fact} k="Started">${absTime(run.startedAt)}</${Fact}>
        <${Fact} k="Duration">${duration(runDuration(run, now))}</${Fact}>
        <${Fact} k="Exit">${run.exitCode != null ? "code " + run.exitCode : "—"}${run.signal ? " · " + run.signal : ""}</${Fact}>
        <${Fact} k="Tokens">${u.input} in / ${u.cached} cached / ${u.output} out</${Fact}>
        <${Fact} k="Cost">${u.costCents != null ? money(u.costCents) : "—"}</${Fact}>
        <${Fact} k="Model">${u.model || "—"}</${Fact}>
        <${Fact} k="Session">${run.sessionIdBefore ? shortId(run.sessionIdBefore) : "new"} → ${run.sessionIdAfter ? shortId(run.sessionIdAfter) : "—"}</${Fact}>
      </div>
      ${run.error ? html`<div class="error-box" style="margin-top:12px" role="alert">${run.error}${run.errorCode ? html` <span class="mono">(${run.errorCode})</span>` : null}</div>` : null}
      <section class="section" aria-labelledby="run-transcript">
        <div class="row" style="margin-bottom:8px"><h2 id="run-transcript">Transcript</h2>
          ${live ? html`<span class="badge blue" role="status"><span class="live-dot" aria-hidden="true" />Live</span>` : null}
          <span class="right row"><button class="btn sm" aria-pressed=${raw ? "true" : "false"} onClick=${() => setRaw(!raw)}>Raw log</button>
            <button class="btn sm" onClick=${download} disabled=${!log.chunks.length}>Download log</button></span></div>
        <div class="card">${log.missing && !log.chunks.length ? html`<p class="muted" style="padding:12px">No log for this run.</p>` : html`<${Transcript} chunks=${log.chunks} full raw=${raw} />`}</div>
      </section>
      <${Events} runId=${run.id} live=${live} />
      ${!live && (run.stdoutExcerpt || run.stderrExcerpt) ? html`<section class="section"><h2>Output excerpts</h2>
        ${run.stdoutExcerpt ? html`<details><summary>stdout</summary><pre class="raw-log">${stripAnsi(run.stdoutExcerpt)}</pre></details>` : null}
        ${run.stderrExcerpt ? html`<details><summary>stderr</summary><pre class="raw-log tx-stderr">${stripAnsi(run.stderrExcerpt)}</pre></details>` : null}</section>` : null}
      ${cancel ? html`<${Confirm} title="Cancel run" confirmLabel="Cancel run" message=${`Cancel run ${shortId(run.id)}? The process is stopped.`}
        onConfirm=${async () => { await api.cancelRun(run.id); invalidate("run", "liveRuns"); }} onClose=${() => setCancel(false)} />` : null}
    `; }}</${Query}>
  </${Page}>`;
}
