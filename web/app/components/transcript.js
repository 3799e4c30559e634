// Run transcripts: the NDJSON run log (paged by nextOffset, then live heartbeat.run.log
// events, or polling while the socket is down) parsed per adapter into entries.
import { html, useEffect, useRef, useState, useLayoutEffect } from "../preact.js";
import * as api from "../api.js";
import { useShell } from "./ui.js";
import { Markdown } from "./markdown.js";
import { isLiveRun, money } from "../format.js";

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
export const stripAnsi = (s) => String(s || "").replace(ANSI, "");

/**
 * useRunLog loads a run's log chunks and keeps appending while the run is live.
 * Returns {chunks: [{ts, stream, chunk}], missing}.
 */
const utf8 = new TextEncoder();
const logLine = (l) => { try { return JSON.parse(l); } catch { return { stream: "stdout", chunk: l }; } };

export function useRunLog(runId, live) {
  const shell = useShell();
  const [chunks, setChunks] = useState([]);
  const [missing, setMissing] = useState(false);
  const offset = useRef(0);
  const partial = useRef("");
  const done = useRef(false);
  const fetching = useRef(false);
  const again = useRef(false);
  const pull = async () => {
    if (!runId || done.current) return;
    // A pull asked for while one is in flight runs right after it, so no chunk written
    // meanwhile waits for the next event.
    if (fetching.current) { again.current = true; return; }
    fetching.current = true;
    try {
      for (let i = 0; i < 50; i++) {
        const page = await api.runLog(runId, offset.current);
        const content = String(page.content || "");
        // A page may end inside a line (the byte limit, or a line still being written):
        // that tail waits in `partial` for the bytes that complete it.
        const lines = (partial.current + content).split("\n");
        partial.current = lines.pop();
        const parsed = [];
        for (const l of lines.filter(Boolean)) parsed.push(logLine(l));
        if (parsed.length) setChunks((c) => [...c, ...parsed]);
        // Offsets count bytes of the file, not UTF-16 units of the decoded text.
        if (page.nextOffset == null) {
          offset.current += utf8.encode(content).length;
          // A finished run writes nothing more: an unterminated last line is all there is.
          if (!live && partial.current) { const l = partial.current; partial.current = ""; setChunks((c) => [...c, logLine(l)]); }
          break;
        }
        offset.current = page.nextOffset;
      }
    } catch (e) {
      if (e.status === 404) setMissing(true);
      done.current = true;
    } finally {
      fetching.current = false;
      if (again.current) { again.current = false; pull(); }
    }
  };
  useEffect(() => {
    setChunks([]); offset.current = 0; partial.current = ""; done.current = false; setMissing(false);
    pull();
  }, [runId]);
  // While live the log file is the one source of the transcript, read from the last
  // offset: a socket log event only says "read again now" (appending its chunk as well
  // would duplicate what the next read returns, and a chunk written between the first
  // read and the socket's subscription would otherwise never show). A slow poll covers
  // a socket that is down or missed an event.
  useEffect(() => {
    if (!live || !runId) return undefined;
    const off = shell.onRunEvent ? shell.onRunEvent((ev) => {
      if (ev.type === "heartbeat.run.log" && ev.payload && ev.payload.runId === runId) pull();
    }) : null;
    const t = setInterval(() => { done.current = false; setMissing(false); pull(); }, shell.connected ? 3000 : 2000);
    return () => { off && off(); clearInterval(t); };
  }, [runId, live, shell.connected]);
  // When the run ends, reload once from the file so truncated live chunks are replaced.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) { setChunks([]); offset.current = 0; partial.current = ""; done.current = false; pull(); }
    wasLive.current = live;
  }, [live]);
  return { chunks, missing };
}

function blocks(msg) { return (msg && Array.isArray(msg.content)) ? msg.content : []; }

/** parseChunks turns log chunks into transcript entries (Claude stream-json, Codex JSONL, raw). */
export function parseChunks(chunks) {
  const out = [];
  let carry = "";
  for (const c of chunks) {
    if (c.stream === "stderr") { out.push({ kind: "stderr", text: stripAnsi(c.chunk) }); continue; }
    if (c.stream === "system") { out.push({ kind: "system", text: stripAnsi(c.chunk) }); continue; }
    const text = carry + String(c.chunk || "");
    const lines = text.split("\n");
    carry = lines.pop();
    for (const line of lines) parseLine(line, out);
  }
  if (carry) parseLine(carry, out);
  // Consecutive plain output lines (a process adapter's stdout, a burst of stderr) read as
  // one terminal block, not a ruled entry per line. Raw entries are lines (newline
  // split off); stderr entries are chunks that keep their own newlines.
  const merged = [];
  for (const e of out) {
    const prev = merged[merged.length - 1];
    if (prev && (e.kind === "raw" || e.kind === "stderr") && prev.kind === e.kind) merged[merged.length - 1] = { ...prev, text: prev.text + (e.kind === "raw" ? "\n" : "") + e.text };
    else merged.push(e);
  }
  return merged;
}

function parseLine(line, out) {
  const t = line.trim();
  if (!t) return;
  let ev = null;
  if (t[0] === "{") { try { ev = JSON.parse(t); } catch { ev = null; } }
  if (!ev || typeof ev !== "object") { out.push({ kind: "raw", text: stripAnsi(line) }); return; }
  switch (ev.type) {
    case "system":
      if (ev.subtype === "init") out.push({ kind: "init", text: `model ${ev.model || "default"} · session ${ev.session_id || "—"}` });
      else out.push({ kind: "raw", text: t });
      return;
    case "assistant":
      for (const b of blocks(ev.message)) {
        if (b.type === "text") out.push({ kind: "assistant", text: b.text || "" });
        else if (b.type === "thinking") out.push({ kind: "thinking", text: b.thinking || b.text || "" });
        else if (b.type === "tool_use") out.push({ kind: "tool", name: b.name, input: b.input });
      }
      return;
    case "user":
      for (const b of blocks(ev.message)) {
        if (b.type === "tool_result") {
          const content = Array.isArray(b.content) ? b.content.map((x) => x.text || "").join("\n") : String(b.content || "");
          out.push({ kind: "tool_result", text: content, error: !!b.is_error });
        }
      }
      return;
    case "result": {
      const u = ev.usage || {};
      out.push({ kind: "result", text: ev.result || "", error: !!ev.is_error || (ev.subtype && ev.subtype !== "success"),
        meta: [ev.subtype, ev.num_turns != null ? ev.num_turns + " turns" : null, ev.total_cost_usd != null ? money(Math.round(ev.total_cost_usd * 100)) : null,
          u.input_tokens != null ? `${u.input_tokens} in / ${u.cache_read_input_tokens || 0} cached / ${u.output_tokens || 0} out` : null].filter(Boolean).join(" · ") });
      return;
    }
    case "thread.started": out.push({ kind: "init", text: `thread ${ev.thread_id || "—"}` }); return;
    case "turn.started": return;
    case "turn.completed": {
      const u = ev.usage || {};
      out.push({ kind: "result", text: "", meta: `${u.input_tokens || 0} in / ${u.cached_input_tokens || 0} cached / ${u.output_tokens || 0} out` });
      return;
    }
    case "turn.failed": out.push({ kind: "stderr", text: (ev.error && ev.error.message) || "turn failed" }); return;
    case "error": out.push({ kind: "stderr", text: ev.message || t }); return;
    case "item.started":
    case "item.updated":
      return; // the completed item carries the final text
    case "item.completed": {
      const it = ev.item || {};
      if (it.type === "agent_message") out.push({ kind: "assistant", text: it.text || "" });
      else if (it.type === "reasoning") out.push({ kind: "thinking", text: it.text || "" });
      else if (it.type === "command_execution") out.push({ kind: "tool", name: "command", input: { command: it.command, exit_code: it.exit_code }, result: it.aggregated_output });
      else out.push({ kind: "tool", name: it.type || "item", input: it });
      return;
    }
    default:
      out.push({ kind: "raw", text: t });
  }
}

function Entry({ e }) {
  switch (e.kind) {
    case "assistant": return html`<div class="tx-entry"><${Markdown} source=${e.text} /></div>`;
    case "thinking": return html`<div class="tx-entry"><details><summary><span class="tx-kind">Thinking</span></summary><div class="dim" style="white-space:pre-wrap">${e.text}</div></details></div>`;
    case "tool": return html`<div class="tx-entry"><details><summary><span class="tx-kind">Tool</span><span class="mono">${e.name}</span></summary>
      <pre class="json">${JSON.stringify(e.input, null, 2)}</pre>${e.result ? html`<pre class="json">${String(e.result).split("\n").slice(0, 20).join("\n")}</pre>` : null}</details></div>`;
    case "tool_result": return html`<div class="tx-entry"><details><summary><span class="tx-kind">${e.error ? "Tool error" : "Tool result"}</span></summary>
      <pre class="json">${e.text.split("\n").slice(0, 20).join("\n")}${e.text.split("\n").length > 20 ? "\n…" : ""}</pre></details></div>`;
    case "init": return html`<div class="tx-entry tx-system"><span class="tx-kind">Init</span>${e.text}</div>`;
    case "result": return html`<div class="tx-entry"><span class="tx-kind">${e.error ? "Failed" : "Result"}</span><span class="muted small">${e.meta}</span>
      ${e.text ? html`<${Markdown} source=${e.text} />` : null}</div>`;
    case "stderr": return html`<div class="tx-entry tx-stderr">${e.text}</div>`;
    case "system": return html`<div class="tx-entry tx-system">${e.text}</div>`;
    default: return html`<div class="tx-entry tx-raw">${e.text}</div>`;
  }
}

/** Transcript renders entries, auto-scrolling while the reader is at the bottom. */
export function Transcript({ chunks, limit, full, raw }) {
  const ref = useRef(null);
  const [atBottom, setAtBottom] = useState(true);
  const entries = raw ? null : parseChunks(chunks);
  const shown = entries && limit ? entries.slice(-limit) : entries;
  useLayoutEffect(() => {
    if (atBottom && ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [chunks.length, raw]);
  const onScroll = () => {
    const el = ref.current;
    if (el) setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
  };
  return html`<div style="position:relative">
    <div class=${raw ? "raw-log" : "transcript" + (full ? " full" : "")} ref=${ref} onScroll=${onScroll} aria-label="Transcript" tabindex="0">
      ${raw ? chunks.map((c) => stripAnsi(c.chunk)).join("") : shown.length ? shown.map((e, i) => html`<${Entry} key=${i} e=${e} />`) : html`<div class="muted small">No output yet.</div>`}
    </div>
    ${!atBottom ? html`<button class="btn sm" style="position:absolute;right:12px;bottom:10px" onClick=${() => { ref.current.scrollTop = ref.current.scrollHeight; setAtBottom(true); }}>Jump to latest</button>` : null}
  </div>`;
}

