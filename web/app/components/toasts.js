// Toasts: bottom-right stack of at most 4, success/info auto-dismiss after 5 s, errors
// after 10 s, paused while hovered. Errors are announced as alerts, others as status.
import { html, useEffect, useState, useRef } from "../preact.js";
import { Link } from "../router.js";
import { Icon } from "./icons.js";

const listeners = new Set();
let items = [];
let seq = 0;
const recent = new Map(); // category → timestamps, for the 3-per-10-s live-event limit

function set(next) { items = next; for (const l of listeners) l(items); }

/**
 * toast shows a message. kind: "success" | "error" | "info". link: {href, label}.
 * category: rate-limits live-event toasts to 3 per 10 s per category.
 */
export function toast({ kind = "success", message, detail, link, category }) {
  if (category) {
    const now = Date.now();
    const ts = (recent.get(category) || []).filter((t) => now - t < 10000);
    if (ts.length >= 3) return;
    ts.push(now);
    recent.set(category, ts);
  }
  const t = { id: ++seq, kind, message, detail, link };
  set([...items, t].slice(-4));
}

export const toastError = (message, detail) => toast({ kind: "error", message, detail });

function dismiss(id) { set(items.filter((t) => t.id !== id)); }

function Toast({ t }) {
  const [hover, setHover] = useState(false);
  const left = useRef(t.kind === "error" ? 10000 : 5000);
  useEffect(() => {
    if (hover) return undefined;
    const start = Date.now();
    const timer = setTimeout(() => dismiss(t.id), left.current);
    return () => { clearTimeout(timer); left.current -= Date.now() - start; };
  }, [hover]);
  return html`<div class="toast ${t.kind}" role=${t.kind === "error" ? "alert" : "status"}
      onMouseEnter=${() => setHover(true)} onMouseLeave=${() => setHover(false)}>
    <div class="msg">
      <div>${t.message}${t.link ? html` <${Link} class="link" href=${t.link.href}>${t.link.label}</${Link}>` : null}</div>
      ${t.detail ? html`<div class="detail">${t.detail}</div>` : null}
    </div>
    <button class="btn ghost icon sm" aria-label="Dismiss notification" onClick=${() => dismiss(t.id)}><${Icon} name="x" size=${14} /></button>
  </div>`;
}

/** Toasts renders the stack; mount once. */
export function Toasts() {
  const [list, setList] = useState(items);
  useEffect(() => { listeners.add(setList); return () => listeners.delete(setList); }, []);
  return html`<div class="toasts" aria-live="polite">${list.map((t) => html`<${Toast} key=${t.id} t=${t} />`)}</div>`;
}
