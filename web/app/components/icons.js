// Line icons drawn on a 24-unit grid (stroke, no fill), plus the issue status and
// priority glyphs. Decorative: callers give icon-only buttons an aria-label.
import { html } from "../preact.js";

const P = {
  plus: "M12 5v14M5 12h14",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4",
  dashboard: "M4 4h7v7H4zM13 4h7v4h-7zM13 10h7v10h-7zM4 13h7v7H4z",
  inbox: "M4 13l2.5-8h11L20 13v6H4zM4 13h5l1 2h4l1-2h5",
  issues: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8.5 12l2.5 2.5 4.5-5",
  agents: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 3.5a4 4 0 0 1 0 7M19 14.5a6 6 0 0 1 3 5.5v1",
  org: "M9 3h6v5H9zM4 16h6v5H4zM14 16h6v5h-6zM12 8v4M7 16v-4h10v4",
  goals: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zM12 11a1 1 0 1 0 0 2 1 1 0 0 0 0-2z",
  projects: "M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z",
  approvals: "M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6zM8.5 12l2.5 2.5 4.5-5",
  costs: "M12 2v20M17 6H9.5a3.5 3.5 0 0 0 0 7h5a3.5 3.5 0 0 1 0 7H6",
  activity: "M3 12h4l3-8 4 16 3-8h4",
  settings: "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
  server: "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01",
  "chevron-down": "M6 9l6 6 6-6",
  "chevron-right": "M9 6l6 6-6 6",
  "chevron-updown": "M8 9l4-4 4 4M8 15l4 4 4-4",
  x: "M6 6l12 12M18 6L6 18",
  menu: "M4 6h16M4 12h16M4 18h16",
  sun: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4",
  moon: "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z",
  monitor: "M3 4h18v12H3zM8 20h8M12 16v4",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  link: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  panel: "M3 4h18v16H3zM15 4v16",
  sidebar: "M3 4h18v16H3zM9 4v16",
  list: "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",
  board: "M3 4h5v16H3zM10 4h5v10h-5zM17 4h4v13h-4z",
  filter: "M3 5h18l-7 8v6l-4 2v-8z",
  sort: "M7 4v16M3 8l4-4 4 4M17 20V4M13 16l4 4 4-4",
  attach: "M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9",
  file: "M6 2h8l6 6v14H6zM14 2v6h6",
  trash: "M3 6h18M8 6V4h8v2M6 6l1 15h10l1-15",
  play: "M7 4l13 8-13 8z",
  pause: "M7 4h3v16H7zM14 4h3v16h-3z",
  external: "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
  check: "M5 12l5 5 9-10",
  alert: "M12 3l10 18H2zM12 10v4M12 17h.01",
  bot: "M5 8h14v11H5zM12 4v4M9 13h.01M15 13h.01M2 13v3M22 13v3",
  user: "M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21v-1a7 7 0 0 1 7-7h2a7 7 0 0 1 7 7v1",
  upload: "M12 16V4M6 10l6-6 6 6M4 20h16",
  download: "M12 4v12M6 10l6 6 6-6M4 20h16",
  "zoom-in": "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4M8 11h6M11 8v6",
  "zoom-out": "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4M8 11h6",
  fit: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  edit: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
  refresh: "M20 11a8 8 0 0 0-14.5-4.5L4 8M4 4v4h4M4 13a8 8 0 0 0 14.5 4.5L20 16M20 20v-4h-4",
  key: "M15 3a6 6 0 0 0-5.6 8.2L3 17.6V21h3.4l1-1v-2h2v-2h2l1.4-1.4A6 6 0 1 0 15 3zM16.5 7.5h.01",
  keyboard: "M2 6h20v12H2zM6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10",
  logout: "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
};

/** Icon draws one named line icon. */
export function Icon({ name, size = 16, class: cls = "" }) {
  const d = P[name] || P.file;
  return html`<svg class=${"icon " + cls} width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor"
    stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d=${d} /></svg>`;
}

const STATUS_COLORS = {
  backlog: "var(--text-3)", todo: "var(--text-2)", in_progress: "var(--amber)", in_review: "var(--violet)",
  blocked: "var(--red)", done: "var(--green)", cancelled: "var(--text-3)",
};

/** StatusGlyph is the issue status shape: each status differs in form, not only colour. */
export function StatusGlyph({ status, size = 14 }) {
  const c = STATUS_COLORS[status] || "var(--text-3)";
  const common = { width: size, height: size, viewBox: "0 0 16 16", "aria-hidden": "true", focusable: "false", class: "status-icon" };
  switch (status) {
    case "backlog":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" stroke-dasharray="2.2 2" /></svg>`;
    case "todo":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" /></svg>`;
    case "in_progress":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" /><path d="M8 4a4 4 0 0 1 0 8z" fill=${c} /></svg>`;
    case "in_review":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" /><path d="M8 4a4 4 0 1 1-4 4h4z" fill=${c} /></svg>`;
    case "blocked":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" /><path d="M5 8h6" stroke=${c} stroke-width="1.8" stroke-linecap="round" /></svg>`;
    case "done":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6.8" fill=${c} /><path d="M5 8.2l2 2 4-4.2" fill="none" stroke="var(--bg)" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round" /></svg>`;
    case "cancelled":
      return html`<svg ...${common}><circle cx="8" cy="8" r="6.8" fill=${c} /><path d="M5.8 5.8l4.4 4.4M10.2 5.8l-4.4 4.4" stroke="var(--bg)" stroke-width="1.6" stroke-linecap="round" /></svg>`;
    default:
      return html`<svg ...${common}><circle cx="8" cy="8" r="6" fill="none" stroke=${c} stroke-width="1.6" /></svg>`;
  }
}

/** PriorityGlyph: critical is a filled warning square, the others 3/2/1 filled bars. */
export function PriorityGlyph({ priority, size = 14 }) {
  const common = { width: size, height: size, viewBox: "0 0 16 16", "aria-hidden": "true", focusable: "false", class: "status-icon" };
  if (priority === "critical") {
    return html`<svg ...${common}><rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="var(--red)" /><path d="M8 4.5v4.2M8 11.2v.2" stroke="#fff" stroke-width="1.8" stroke-linecap="round" /></svg>`;
  }
  const level = { high: 3, medium: 2, low: 1 }[priority] || 0;
  const bar = (i, x, h) => html`<rect x=${x} y=${14 - h} width="3" height=${h} rx="1" fill=${i < level ? "var(--text-2)" : "var(--border-strong)"} />`;
  return html`<svg ...${common}>${bar(0, 1.5, 5)}${bar(1, 6.5, 8.5)}${bar(2, 11.5, 12)}</svg>`;
}
