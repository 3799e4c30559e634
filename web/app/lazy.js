// Code loaded on demand. The board has ~25 pages; importing them all up front made a first
// visit download and compile every page (and the markdown renderer and sanitizer they pull
// in) before anything painted. A lazy component fetches its module the first time it
// renders, then renders the real component from then on; once the first view is on screen
// the rest are fetched while the browser is idle, so later navigation never waits.
import { html, h, useLayoutEffect, useReducer } from "./preact.js";
import { Loading } from "./components/ui.js";

const all = [];
let firstShown = false;

// The server lists, in index.html, the modules each on-demand module imports statically
// beyond the shell's (server/ui_modules.go). Preloading them with the module itself fetches
// a page and its imports in parallel, instead of discovering the imports only after the
// page's own file arrived.
const base = new URL("./", import.meta.url);
const deps = (() => {
  try { return JSON.parse(document.getElementById("module-deps").textContent); } catch { return {}; }
})();
const preloaded = new Set();
function preloadDeps(path) {
  for (const d of deps[path] || []) {
    if (preloaded.has(d)) continue;
    preloaded.add(d);
    const l = document.createElement("link");
    l.rel = "modulepreload";
    l.href = new URL(d, base).href;
    document.head.appendChild(l);
  }
}

/**
 * lazy returns a component that renders export `name` of the module at `path` (relative
 * to the app's root, e.g. "pages/issue.js").
 * Until the module is there it renders `fallback(props)` (by default the delayed skeleton,
 * so a fast load never flashes); a failed load, usually an upgraded server whose assets
 * moved to a new hash, says so with a reload button and is retried on the next mount.
 */
export function lazy(path, name, fallback = () => html`<${Loading} />`) {
  let comp = null;
  let error = null;
  let pending = null;
  const start = () => {
    if (comp) return Promise.resolve();
    if (!pending) {
      preloadDeps(path);
      pending = import(new URL(path, base).href).then(
        (m) => { comp = m[name]; error = comp ? null : new Error(`${name} is missing from its module`); },
        (e) => { error = e; },
      ).finally(() => { pending = null; });
    }
    return pending;
  };
  function Lazy(props) {
    const [, force] = useReducer((x) => x + 1, 0);
    if (!comp && !error) start(); // during render: the request leaves before the first paint
    useLayoutEffect(() => {
      if (comp) return undefined;
      let live = true;
      error = null;
      start().then(() => { if (live) force(); });
      return () => { live = false; };
    }, []);
    if (comp) {
      if (!firstShown) { firstShown = true; setTimeout(preloadLazy, 0); }
      return h(comp, props);
    }
    if (error) {
      return html`<div class="page"><div class="error-box row" role="alert"><span class="grow">This part of the board could not be loaded
        (${error.message}). The server may have been upgraded.</span><button class="btn sm" onClick=${() => location.reload()}>Reload</button></div></div>`;
    }
    return fallback(props);
  }
  Lazy.preload = start;
  all.push(start);
  return Lazy;
}

/**
 * preloadLazy fetches every lazy module not loaded yet, one at a time, each only when the
 * browser is idle and no API request is in flight (api.js marks <html data-busy>): the
 * first view keeps the network and the main thread to itself. It starts by itself once
 * the first lazy component has rendered.
 */
function preloadLazy() {
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 50));
  const queue = all.slice();
  const next = () => {
    if (document.documentElement.dataset.busy) { setTimeout(() => idle(next), 100); return; }
    const start = queue.shift();
    if (start) start().then(() => idle(next));
  };
  idle(next);
}
