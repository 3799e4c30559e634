// Windowed rendering for long lists: only the rows near the visible part of a scrolling
// element are in the DOM, between spacers that keep the full scroll height. Rows have a
// fixed height (`step`, including any gap), so positions are arithmetic, not measured.
import { useLayoutEffect, useRef, useState } from "../preact.js";

const CHUNK = 10; // the window moves in steps of this many rows: fewer re-renders per scroll

/**
 * useWindow returns [ref, [from, to], reveal] for `count` rows of height `step` inside
 * the element `scroller()` returns (default: the ref'd element itself scrolls). `ref`
 * goes on the list element; `reveal(i)` scrolls row i into view. Disabled, the range is
 * every row.
 */
export function useWindow(count, step, { enabled = true, scroller, overscan = 20 } = {}) {
  const ref = useRef(null);
  const [range, setRange] = useState([0, Math.min(count, 60)]);
  const el = () => (scroller ? scroller() : ref.current);
  // Where the list starts inside its scroller (0 when the list is the scroller).
  const offset = () => (scroller && ref.current ? ref.current.getBoundingClientRect().top - el().getBoundingClientRect().top + el().scrollTop : 0);
  useLayoutEffect(() => {
    if (!enabled) return undefined;
    const s = el();
    const update = () => {
      if (!ref.current || !s) return;
      const top = s.scrollTop - offset();
      const first = Math.max(0, Math.floor((top / step - overscan) / CHUNK) * CHUNK);
      const last = Math.min(count, Math.ceil(((top + s.clientHeight) / step + overscan) / CHUNK) * CHUNK);
      setRange((r) => (r[0] === first && r[1] === last ? r : [first, last]));
    };
    update();
    s && s.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    return () => { s && s.removeEventListener("scroll", update); window.removeEventListener("resize", update); };
  }, [count, enabled, step]);
  const reveal = (i) => {
    const s = el();
    if (!s || !enabled) return;
    const y = offset() + i * step;
    if (y < s.scrollTop) s.scrollTop = y;
    else if (y + step > s.scrollTop + s.clientHeight) s.scrollTop = y + step - s.clientHeight;
  };
  return [ref, enabled ? range : [0, count], reveal];
}
