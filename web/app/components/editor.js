// Markdown editor: Write/Preview tabs, a formatting toolbar, Ctrl/Cmd+Enter to submit,
// and `@` autocomplete of agents that inserts [@Name](agent://<id>).
import { html, useRef, useState } from "../preact.js";
import { Markdown } from "./markdown.js";

const TOOLS = [
  ["B", "Bold", (s) => `**${s || "bold"}**`],
  ["I", "Italic", (s) => `_${s || "italic"}_`],
  ["</>", "Code", (s) => (s.includes("\n") ? "```\n" + s + "\n```" : "`" + (s || "code") + "`")],
  ["Link", "Link", (s) => `[${s || "text"}](https://)`],
  ["•", "Bulleted list", (s) => (s || "item").split("\n").map((l) => "- " + l).join("\n")],
  ["☐", "Checklist", (s) => (s || "task").split("\n").map((l) => "- [ ] " + l).join("\n")],
  ["❝", "Quote", (s) => (s || "quote").split("\n").map((l) => "> " + l).join("\n")],
];

let editorSeq = 0;

/**
 * Editor edits markdown. value/onInput are controlled; onSubmit runs on Ctrl/Cmd+Enter;
 * mentions (agents) enables @ autocomplete.
 */
export function Editor({ value, onInput, onSubmit, placeholder = "Write in markdown…", mentions, label = "Markdown", autofocus, rows = 5, id }) {
  const ta = useRef(null);
  const [tab, setTab] = useState("write");
  const [mention, setMention] = useState(null); // {start, query, active}
  const [uid] = useState(() => id || "ed-" + ++editorSeq);

  const set = (v, caret) => {
    onInput(v);
    if (caret != null) requestAnimationFrame(() => { if (ta.current) { ta.current.focus(); ta.current.setSelectionRange(caret, caret); } });
  };
  const tool = (fn) => {
    const el = ta.current;
    if (!el) return;
    const a = el.selectionStart, b = el.selectionEnd;
    const ins = fn(value.slice(a, b));
    set(value.slice(0, a) + ins + value.slice(b), a + ins.length);
  };
  const candidates = mention ? (mentions || []).filter((m) => m.name.toLowerCase().includes(mention.query.toLowerCase())).slice(0, 8) : [];
  const detect = (el) => {
    if (!mentions || !mentions.length) return;
    const upto = el.value.slice(0, el.selectionStart);
    const m = /(^|\s)@([\w.-]{0,30})$/.exec(upto);
    if (m) setMention({ start: el.selectionStart - m[2].length - 1, query: m[2], active: 0 });
    else setMention(null);
  };
  const insertMention = (agent) => {
    const el = ta.current;
    const end = el ? el.selectionStart : value.length;
    const text = `[@${agent.name}](agent://${agent.id}) `;
    set(value.slice(0, mention.start) + text + value.slice(end), mention.start + text.length);
    setMention(null);
  };
  const key = (e) => {
    if (mention && candidates.length) {
      if (e.key === "ArrowDown") { e.preventDefault(); setMention({ ...mention, active: Math.min(mention.active + 1, candidates.length - 1) }); return; }
      if (e.key === "ArrowUp") { e.preventDefault(); setMention({ ...mention, active: Math.max(mention.active - 1, 0) }); return; }
      if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); insertMention(candidates[mention.active]); return; }
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setMention(null); return; }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && onSubmit) { e.preventDefault(); onSubmit(); }
  };
  return html`<div class="md-editor">
    <div class="md-editor-bar" role="toolbar" aria-label="Formatting">
      <button type="button" class="tab" aria-pressed=${tab === "write" ? "true" : "false"} aria-selected=${tab === "write" ? "true" : "false"} onClick=${() => setTab("write")}>Write</button>
      <button type="button" class="tab" aria-pressed=${tab === "preview" ? "true" : "false"} aria-selected=${tab === "preview" ? "true" : "false"} onClick=${() => setTab("preview")}>Preview</button>
      <span class="grow" />
      ${tab === "write" ? TOOLS.map(([t, name, fn]) => html`<button type="button" class="btn ghost sm" aria-label=${name} title=${name} onClick=${() => tool(fn)}>${t}</button>`) : null}
    </div>
    ${tab === "write" ? html`<div style="position:relative">
        <textarea id=${uid} ref=${ta} class="textarea" rows=${rows} aria-label=${label} placeholder=${placeholder} value=${value} autofocus=${autofocus}
          onInput=${(e) => { onInput(e.target.value); detect(e.target); }} onKeyDown=${key} onClick=${(e) => detect(e.target)}
          aria-autocomplete=${mentions ? "list" : undefined} aria-controls=${mention && candidates.length ? uid + "-mentions" : undefined} />
        ${mention && candidates.length ? html`<div class="popover mention-pop" id=${uid + "-mentions"} role="listbox" aria-label="Mention an agent" style="position:absolute;left:8px;top:100%">
          ${candidates.map((c, i) => html`<div role="option" class="menu-item" aria-selected=${i === mention.active ? "true" : "false"}
              onMouseDown=${(e) => { e.preventDefault(); insertMention(c); }}>
            <span class="avatar agent" aria-hidden="true">${c.name.slice(0, 2)}</span><span class="grow">${c.name}</span><span class="muted small">${c.title || c.role}</span></div>`)}
        </div>` : null}
      </div>`
      : html`<div class="md-preview">${value.trim() ? html`<${Markdown} source=${value} />` : html`<span class="muted">Nothing to preview.</span>`}</div>`}
  </div>`;
}
