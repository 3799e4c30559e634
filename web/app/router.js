// Client-side routing on the History API: one location, a change event, and a Link that
// keeps middle-click and Cmd/Ctrl-click opening new tabs.
import { html, useEffect, useState } from "./preact.js";

const listeners = new Set();

function current() {
  return { path: location.pathname, search: location.search, query: new URLSearchParams(location.search) };
}

function emit() {
  const loc = current();
  for (const l of listeners) l(loc);
}

window.addEventListener("popstate", emit);

/** navigate goes to a path (with optional query); replace swaps the history entry. */
export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.scrollTo(0, 0);
  emit();
}

/** setQuery merges params into the current query string (null/"" removes a key). */
export function setQuery(params, { replace = true } = {}) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) q.delete(k);
    else q.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = q.toString();
  navigate(location.pathname + (s ? "?" + s : ""), { replace });
}

/** useLocation re-renders on every navigation. */
export function useLocation() {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    listeners.add(setLoc);
    return () => listeners.delete(setLoc);
  }, []);
  return loc;
}

/** isPlainClick is a left click without modifiers: the only one we route ourselves. */
export function isPlainClick(e) {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.defaultPrevented;
}

/** Link is an <a> that navigates in-app on plain clicks. */
export function Link({ href, children, replace, onClick, ...rest }) {
  const click = (e) => {
    if (onClick) onClick(e);
    if (!isPlainClick(e) || rest.target) return;
    e.preventDefault();
    navigate(href, { replace });
  };
  return html`<a href=${href} onClick=${click} ...${rest}>${children}</a>`;
}

/**
 * match tests a path against a pattern like "/:prefix/issues/:id" and returns the params,
 * or null. Segments are decoded; a trailing slash is ignored.
 */
export function match(pattern, path) {
  const ps = pattern.split("/").filter(Boolean);
  const xs = path.split("/").filter(Boolean);
  if (ps.length !== xs.length) return null;
  const params = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(":")) {
      try { params[ps[i].slice(1)] = decodeURIComponent(xs[i]); } catch { return null; }
    } else if (ps[i] !== xs[i]) return null;
  }
  return params;
}

/** safeNext keeps a return path only when it is one of ours (no open redirect). */
export function safeNext(next) {
  if (!next || typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/auth" || next.startsWith("/auth?") || next.startsWith("/setup")) return "/";
  return next;
}
