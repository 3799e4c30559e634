// Dialogs and popovers. Both trap focus while open and give it back to whatever had it
// when they close; Esc closes the innermost one only.
import { html, useEffect, useLayoutEffect, useRef, useState } from "../preact.js";
import { Icon } from "./icons.js";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
const layers = []; // open dialogs/popovers, innermost last

/** overlayOpen reports whether a dialog or popover is open (global shortcuts pause). */
export const overlayOpen = () => layers.length > 0;

function useLayer(ref, onClose, { autoFocus = true, initialFocus } = {}) {
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // The trigger is read while rendering, before commit: an autofocus ref inside the
  // layer moves focus during commit, and the trigger is what focus returns to.
  const opener = useRef(undefined);
  if (opener.current === undefined) opener.current = document.activeElement;
  useLayoutEffect(() => {
    const layer = { ref, close: () => closeRef.current && closeRef.current() };
    layers.push(layer);
    if (autoFocus && ref.current && !ref.current.contains(document.activeElement)) {
      const first = (initialFocus && initialFocus.current) || ref.current.querySelector("[data-autofocus]") || ref.current.querySelector(FOCUSABLE);
      (first || ref.current).focus();
    }
    const back = opener.current;
    return () => {
      const i = layers.indexOf(layer);
      if (i >= 0) layers.splice(i, 1);
      if (back && back.isConnected && typeof back.focus === "function") back.focus();
    };
  }, []);
}

// One key handler for every layer: Esc closes the innermost, Tab cycles inside it.
document.addEventListener("keydown", (e) => {
  const top = layers[layers.length - 1];
  if (!top || !top.ref.current) return;
  if (e.key === "Escape") {
    e.preventDefault();
    e.stopPropagation();
    top.close();
    return;
  }
  if (e.key !== "Tab") return;
  const nodes = [...top.ref.current.querySelectorAll(FOCUSABLE)].filter((n) => n.offsetParent !== null || n === document.activeElement);
  if (!nodes.length) { e.preventDefault(); return; }
  const first = nodes[0], last = nodes[nodes.length - 1];
  if (!top.ref.current.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
  else if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
}, true);

let dialogSeq = 0;

/**
 * Dialog is a modal with a title, body and optional footer. Focus moves in when it mounts:
 * to `initialFocus` (a ref), else the element marked autofocus, else the first control.
 */
export function Dialog({ title, onClose, children, footer, wide, class: cls = "", label, initialFocus }) {
  const ref = useRef(null);
  const [id] = useState(() => "dlg-" + ++dialogSeq);
  useLayer(ref, onClose, { initialFocus });
  return html`<div class="dialog-backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
    <div class=${"dialog " + (wide ? "wide " : "") + cls} role="dialog" aria-modal="true" aria-labelledby=${title ? id : undefined}
        aria-label=${title ? undefined : label} ref=${ref} tabindex="-1">
      ${title ? html`<div class="dialog-head"><h2 id=${id}>${title}</h2>
        <button class="btn ghost icon sm right" aria-label="Close" onClick=${onClose}><${Icon} name="x" /></button></div>` : null}
      ${children}
      ${footer ? html`<div class="dialog-foot">${footer}</div>` : null}
    </div>
  </div>`;
}

/** Confirm asks before a destructive action; `typeName` requires typing the object's name. */
export function Confirm({ title, message, confirmLabel = "Confirm", danger = true, typeName, onConfirm, onClose }) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const ok = !typeName || typed === typeName;
  const go = async () => {
    if (!ok || busy) return;
    setBusy(true);
    try { await onConfirm(); onClose(); } catch { setBusy(false); }
  };
  return html`<${Dialog} title=${title} onClose=${onClose} footer=${html`
      <button class="btn right" onClick=${onClose}>Cancel</button>
      <button class=${"btn " + (danger ? "danger solid" : "primary")} disabled=${!ok || busy} onClick=${go}>
        ${busy ? html`<span class="spinner" />` : null}${confirmLabel}</button>`}>
    <div class="dialog-body">
      <p style="margin-top:0">${message}</p>
      ${typeName ? html`<div class="field"><label for="confirm-name">Type <strong>${typeName}</strong> to confirm</label>
        <input id="confirm-name" class="input" autofocus value=${typed} onInput=${(e) => setTyped(e.target.value)}
          onKeyDown=${(e) => e.key === "Enter" && go()} /></div>` : null}
    </div>
  </${Dialog}>`;
}

function place(anchor, pop, align) {
  const r = anchor.getBoundingClientRect();
  const w = pop.offsetWidth, h = pop.offsetHeight;
  let left = align === "right" ? r.right - w : r.left;
  let top = r.bottom + 4;
  if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 4);
  left = Math.max(8, Math.min(left, window.innerWidth - w - 8));
  pop.style.left = left + "px";
  pop.style.top = top + "px";
}

/**
 * Picker is a popover list anchored to an element: type to filter (when `search`),
 * arrows move, Enter picks, Esc closes. items: [{value, label, icon, hint, disabled, title}];
 * `title` entries are section headings.
 */
export function Picker({ anchor, items, value, onSelect, onClose, search, placeholder = "Filter…", align, label = "Options", multi }) {
  const ref = useRef(null);
  const [q, setQ] = useState("");
  const shown = items.filter((it) => it.title || !q || String(it.label).toLowerCase().includes(q.toLowerCase()));
  const selectable = shown.filter((it) => !it.title && !it.disabled);
  const [active, setActive] = useState(() => Math.max(0, selectable.findIndex((it) => it.value === value)));
  useLayer(ref, onClose);
  useLayoutEffect(() => { if (anchor && ref.current) place(anchor, ref.current, align); });
  useEffect(() => { setActive(0); }, [q]);
  useEffect(() => {
    const away = (e) => { if (ref.current && !ref.current.contains(e.target) && !(anchor && anchor.contains(e.target))) onClose(); };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, []);
  const pick = (it) => { if (!it || it.disabled || it.title) return; onSelect(it.value, it); if (!multi) onClose(); };
  const key = (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); setActive((a) => Math.min(a + 1, selectable.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
    else if (e.key === "Enter") { e.preventDefault(); pick(selectable[active]); }
  };
  useEffect(() => {
    const el = ref.current && ref.current.querySelector('[aria-selected="true"]');
    if (el) { el.scrollIntoView({ block: "nearest" }); if (!search) el.focus(); }
  }, [active, shown.length]);
  const current = selectable[active];
  return html`<div class="popover" ref=${ref} role="dialog" aria-label=${label} onKeyDown=${key}>
    ${search ? html`<input class="input" autofocus placeholder=${placeholder} aria-label=${placeholder} value=${q} onInput=${(e) => setQ(e.target.value)} />` : null}
    <div role="listbox" aria-label=${label}>
      ${shown.map((it) => it.title
        ? html`<div class="menu-title" role="presentation">${it.title}</div>`
        : html`<button type="button" role="option" class="menu-item" tabindex=${it === current ? 0 : -1}
            aria-selected=${it === current ? "true" : "false"} aria-disabled=${it.disabled ? "true" : undefined}
            onMouseEnter=${() => !it.disabled && setActive(selectable.indexOf(it))} onClick=${() => pick(it)}>
            ${it.icon || null}<span class="grow ellipsis">${it.label}</span>
            ${it.hint ? html`<span class="muted small">${it.hint}</span>` : null}
            ${(multi ? (value || []).includes(it.value) : it.value === value) ? html`<span class="check-mark"><${Icon} name="check" size=${14} /></span>` : null}
          </button>`)}
      ${selectable.length === 0 ? html`<div class="menu-item" aria-disabled="true">No matches</div>` : null}
    </div>
  </div>`;
}

/** usePicker holds which picker is open and its anchor: [state, open(name, event), close]. */
export function usePicker() {
  const [st, setSt] = useState(null);
  return [st, (name, e, extra) => setSt({ name, anchor: e.currentTarget || e, ...extra }), () => setSt(null)];
}
