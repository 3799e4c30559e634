// Theme preference (light, dark, system), persisted and applied live; theme.classic.js
// applied it once before first paint.
const KEY = "paperclip.theme";
const media = window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set();

/** themePref is the stored preference: "light", "dark" or "system". */
export function themePref() {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch { return "system"; }
}

function apply() {
  const pref = themePref();
  const dark = pref === "dark" || (pref === "system" && media.matches);
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute("content", dark ? "#111113" : "#ffffff");
  for (const l of listeners) l(pref);
}

/** setTheme stores and applies a preference. */
export function setTheme(pref) {
  try {
    if (pref === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, pref);
  } catch { /* storage may be disabled; the choice still applies to this page */ }
  apply();
}

/** cycleTheme steps light → dark → system. */
export function cycleTheme() {
  const order = ["light", "dark", "system"];
  setTheme(order[(order.indexOf(themePref()) + 1) % order.length]);
}

/** onTheme subscribes to preference changes; returns the unsubscribe. */
export function onTheme(fn) { listeners.add(fn); return () => listeners.delete(fn); }

media.addEventListener("change", apply);
apply();
