// Org chart: the reporting tree as cards; pan by dragging, zoom with the wheel, pinch or
// the +/− buttons, Fit to see everything; arrow keys move along the tree, Enter opens.
import { html, useEffect, useLayoutEffect, useRef, useState } from "../preact.js";
import { navigate, Link } from "../router.js";
import * as api from "../api.js";
import { useQuery } from "../data.js";
import { Page, Query, Empty, AgentStatus, useShell } from "../components/ui.js";
import { Icon } from "../components/icons.js";
import { adapterLabel, roleLabel, isLiveRun } from "../format.js";

function Node({ node, byId, live, prefix, path, focusPath, onFocusNode }) {
  const a = byId[node.id] || node;
  return html`<li>
    <button type="button" class="org-node" data-org=${path} data-id=${node.id} tabindex=${path === focusPath ? 0 : -1}
        onFocus=${() => onFocusNode(path)} onClick=${() => navigate(`${prefix}/agents/${a.urlKey || a.id}`)}
        aria-label=${`${a.name}, ${a.title || roleLabel(a.role)}, ${a.status}`}>
      <span class="row"><span class="avatar agent" aria-hidden="true">${a.name.slice(0, 2)}</span><strong class="grow ellipsis">${a.name}</strong>
        ${live.has(node.id) ? html`<span class="live-dot" role="img" aria-label="Running" />` : null}</span>
      <span class="muted ellipsis">${a.title || roleLabel(a.role)}</span>
      <span class="row small"><${AgentStatus} status=${a.status} /><span class="muted right">${adapterLabel(a.adapterType || "")}</span></span>
    </button>
    ${node.reports && node.reports.length ? html`<ul>${node.reports.map((r, i) => html`<${Node} node=${r} byId=${byId} live=${live} prefix=${prefix} path=${path + "." + i}
      focusPath=${focusPath} onFocusNode=${onFocusNode} />`)}</ul>` : null}
  </li>`;
}

export function OrgPage() {
  const shell = useShell();
  const company = shell.company;
  const prefix = "/" + company.issuePrefix;
  const org = useQuery(["org", company.id], () => api.orgChart(company.id));
  const vp = useRef(null), canvas = useRef(null);
  const [view, setView] = useState({ x: 0, y: 0, k: 1 });
  const drag = useRef(null);
  const byId = Object.fromEntries((shell.agents || []).map((a) => [a.id, a]));
  const live = new Set((shell.liveRuns || []).filter((r) => isLiveRun(r.status)).map((r) => r.agentId));
  const roots = (org.data || []).filter((n) => n.status !== "terminated");
  const fit = () => {
    if (!vp.current || !canvas.current) return;
    const W = vp.current.clientWidth, H = vp.current.clientHeight;
    const w = canvas.current.scrollWidth, h = canvas.current.scrollHeight;
    // Never so small that the cards cannot be read (a wide tree on a phone): then the
    // first root is centred and the rest is a pan away.
    const k = Math.min(1.2, Math.max(0.6, Math.min((W - 40) / w, (H - 40) / h)));
    const root = canvas.current.querySelector('[data-org="0"]');
    const rootMid = root ? (root.getBoundingClientRect().left + root.getBoundingClientRect().width / 2 - canvas.current.getBoundingClientRect().left) / view.k : 0;
    const x = w * k <= W - 20 || !root ? (W - w * k) / 2 : W / 2 - rootMid * k;
    setView({ k, x, y: Math.max(20, Math.min(60, (H - h * k) / 2)) });
  };
  useLayoutEffect(() => { if (roots.length) fit(); }, [roots.length]);
  const zoom = (f, cx, cy) => setView((v) => {
    const k = Math.min(2.5, Math.max(0.2, v.k * f));
    const px = cx ?? (vp.current ? vp.current.clientWidth / 2 : 0), py = cy ?? (vp.current ? vp.current.clientHeight / 2 : 0);
    return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
  });
  useEffect(() => {
    const el = vp.current;
    if (!el) return undefined;
    const wheel = (e) => { e.preventDefault(); const r = el.getBoundingClientRect(); zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top); };
    el.addEventListener("wheel", wheel, { passive: false });
    return () => el.removeEventListener("wheel", wheel);
  }, [roots.length]);
  const pointers = useRef(new Map());
  const down = (e) => { if (e.target.closest("button")) return; pointers.current.set(e.pointerId, [e.clientX, e.clientY]); drag.current = { x: e.clientX, y: e.clientY, v: view }; e.currentTarget.setPointerCapture(e.pointerId); };
  const move = (e) => {
    if (!pointers.current.has(e.pointerId)) return;
    const prev = pointers.current.get(e.pointerId);
    pointers.current.set(e.pointerId, [e.clientX, e.clientY]);
    if (pointers.current.size === 2) { // pinch: zoom by the change in finger distance
      const [a, b] = [...pointers.current.values()];
      const other = [...pointers.current.entries()].find(([id]) => id !== e.pointerId)[1];
      const before = Math.hypot(prev[0] - other[0], prev[1] - other[1]), after = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (before > 0) zoom(after / before);
      return;
    }
    if (drag.current) setView({ ...drag.current.v, x: drag.current.v.x + e.clientX - drag.current.x, y: drag.current.v.y + e.clientY - drag.current.y });
  };
  const up = (e) => { pointers.current.delete(e.pointerId); drag.current = null; };
  // Arrow keys walk the tree: up = manager, down = first report, left/right = the next
  // card on the same level (siblings, then cousins), as the chart draws them. The tree is
  // one Tab stop (roving tabindex), and the view pans to keep the focused card visible.
  const [focusPath, setFocusPath] = useState("0");
  const keys = (e) => {
    const cur = e.target.closest && e.target.closest("[data-org]");
    if (!cur) return;
    const path = cur.dataset.org;
    const depth = path.split(".").length;
    let next = null;
    if (e.key === "ArrowUp" && depth > 1) next = path.slice(0, path.lastIndexOf("."));
    else if (e.key === "ArrowDown") next = path + ".0";
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      const level = [...canvas.current.querySelectorAll("[data-org]")].filter((n) => n.dataset.org.split(".").length === depth);
      const n = level[level.indexOf(cur) + (e.key === "ArrowRight" ? 1 : -1)];
      next = n ? n.dataset.org : null;
    } else if (e.key === "Home") next = "0";
    if (!["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home"].includes(e.key)) return;
    e.preventDefault();
    const el = next && canvas.current.querySelector(`[data-org="${next}"]`);
    if (!el) return;
    setFocusPath(next);
    el.focus({ preventScroll: true });
    reveal(el);
  };
  const reveal = (el) => {
    const r = el.getBoundingClientRect(), v = vp.current.getBoundingClientRect();
    let dx = 0, dy = 0;
    if (r.left < v.left + 8) dx = v.left + 8 - r.left; else if (r.right > v.right - 8) dx = v.right - 8 - r.right;
    if (r.top < v.top + 8) dy = v.top + 8 - r.top; else if (r.bottom > v.bottom - 8) dy = v.bottom - 8 - r.bottom;
    if (dx || dy) setView((w) => ({ ...w, x: w.x + dx, y: w.y + dy }));
  };
  const actions = html`<${Link} class="btn sm primary" href=${prefix + "/agents/new"}><${Icon} name="plus" size=${14} />New agent</${Link}>`;
  return html`<${Page} title="Org chart" actions=${actions} width="full">
    <${Query} q=${org}>${() => roots.length === 0
      ? html`<${Empty} action=${html`<${Link} class="btn primary" href=${prefix + "/agents/new"}>Hire your first agent</${Link}>`}>No agents yet.</${Empty}>`
      : html`<div class="org-viewport" ref=${vp} onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} onKeyDown=${keys}>
        <div class="org-zoom"><button class="btn icon sm" aria-label="Zoom in" onClick=${() => zoom(1.2)}><${Icon} name="zoom-in" size=${14} /></button>
          <button class="btn icon sm" aria-label="Zoom out" onClick=${() => zoom(1 / 1.2)}><${Icon} name="zoom-out" size=${14} /></button>
          <button class="btn sm" onClick=${fit}><${Icon} name="fit" size=${14} />Fit</button></div>
        <div class="org-canvas" ref=${canvas} style=${`transform:translate(${view.x}px,${view.y}px) scale(${view.k})`}>
          <p class="sr-only" id="org-keys">Arrow keys move between agents: up to the manager, down to the first report, left and right along the level. Enter opens the agent.</p>
          <ul class="org-tree" aria-label="Org chart" aria-describedby="org-keys">${roots.map((r, i) => html`<${Node} node=${r} byId=${byId} live=${live} prefix=${prefix} path=${String(i)}
            focusPath=${focusPath} onFocusNode=${setFocusPath} />`)}</ul>
        </div></div>`}</${Query}>
  </${Page}>`;
}
