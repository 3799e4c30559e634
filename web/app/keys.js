// Keyboard plumbing: global shortcuts pause while typing or while a dialog is open, and
// pages register their own keys (list navigation, issue pickers) with useKeys.
import { useEffect, useLayoutEffect, useRef, useState } from "./preact.js";
import { overlayOpen } from "./components/dialog.js";

/** isTyping reports whether a key event comes from a text field or editor. */
export function isTyping(e) {
  const t = e.target;
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !["checkbox", "radio", "button", "submit"].includes((t.type || "").toLowerCase());
  return false;
}

/** plainKey reports whether a shortcut may run: no modifiers, not typing, no overlay. */
export function plainKey(e) {
  return !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e) && !overlayOpen() && !e.defaultPrevented;
}

/**
 * useKeys binds single-key shortcuts while the component is mounted: {j: fn, k: fn}.
 * The listener always calls the latest map (a ref), and is bound at commit so keys work
 * from the first paint.
 */
export function useKeys(map, deps = []) {
  const ref = useRef(map);
  ref.current = map;
  useLayoutEffect(() => {
    const on = (e) => {
      if (!plainKey(e)) return;
      const fn = ref.current[e.key];
      if (fn) { e.preventDefault(); fn(e); }
    };
    document.addEventListener("keydown", on);
    return () => document.removeEventListener("keydown", on);
  }, deps);
}

/**
 * useListNav gives j/k (and arrows) selection over `count` rows, Enter/o to open.
 * `reveal(i)`, for windowed lists, scrolls row i into the DOM before it is focused.
 * Returns [selected, setSelected].
 */
export function useListNav(count, onOpen, reveal) {
  const [sel, setSel] = useState(-1);
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  const revealRef = useRef(reveal);
  revealRef.current = reveal;
  useKeys({
    j: () => setSel((s) => Math.min(count - 1, s + 1)),
    ArrowDown: () => setSel((s) => Math.min(count - 1, s + 1)),
    k: () => setSel((s) => Math.max(0, s - 1)),
    ArrowUp: () => setSel((s) => Math.max(0, s - 1)),
    Enter: () => sel >= 0 && openRef.current(sel),
    o: () => sel >= 0 && openRef.current(sel),
  }, [count, sel]);
  useEffect(() => {
    if (sel < 0) return undefined;
    const focus = () => {
      const el = document.querySelector(`[data-row="${sel}"]`);
      if (el) { el.scrollIntoView({ block: "nearest" }); el.focus({ preventScroll: true }); }
      return !!el;
    };
    if (focus() || !revealRef.current) return undefined;
    revealRef.current(sel); // the window follows the scroll on the next frame
    const f = requestAnimationFrame(() => requestAnimationFrame(focus));
    return () => cancelAnimationFrame(f);
  }, [sel]);
  return [sel, setSel];
}
