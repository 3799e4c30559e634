// The kanban board: one column per status. While a card is dragged, only columns the
// status machine allows accept it (others dim and refuse the drop); `Move to…` and `s`
// are the keyboard alternative (arrows move between the cards of a column). Dropping
// into In progress without an assignee asks for one first. Columns above 100 cards are
// windowed.
import { html, memo, useCallback, useMemo, useState } from "../preact.js";
import { useWindow } from "../components/windowing.js";
import { navigate, isPlainClick } from "../router.js";
import { Avatar, IssuePriority } from "../components/ui.js";
import { Icon, StatusGlyph } from "../components/icons.js";
import { Picker, usePicker } from "../components/dialog.js";
import { statusItems, assigneeItems, agentName } from "../components/pickers.js";
import { patchIssue } from "../issue-actions.js";
import { ISSUE_STATUSES, canTransition, statusLabel } from "../format.js";

const WINDOW_ABOVE = 100; // longer columns render only the cards near their scroll position
const CARD_H = 116; // a windowed card's fixed height (title clamped to two lines)
const CARD_STEP = CARD_H + 6; // plus the column's gap

const Card = memo(function Card({ issue, index, agents, prefix, onDragStart, onDragEnd, dragging, onMenu, fixed }) {
  const who = agentName(agents, issue.assigneeAgentId);
  const open = (e) => {
    if (e.target.closest("button") || !isPlainClick(e)) return;
    e.preventDefault();
    navigate(`/${prefix}/issues/${issue.identifier}`);
  };
  const key = (e) => {
    if (e.key === "s" || (e.key === "m" && !e.ctrlKey)) { e.preventDefault(); onMenu(e.currentTarget.querySelector(".card-menu"), issue); }
  };
  return html`<a class=${"kcard" + (dragging ? " dragging" : "") + (fixed ? " fixed" : "")} href=${`/${prefix}/issues/${issue.identifier}`} draggable="true"
      data-issue=${issue.identifier} data-index=${index} onDragStart=${(e) => onDragStart(e, issue)} onDragEnd=${onDragEnd} onClick=${open} onKeyDown=${key}
      aria-label=${`${issue.identifier} ${issue.title}, ${statusLabel(issue.status)}`}>
    <div class="row"><span class="ident">${issue.identifier}</span>${issue.activeRun ? html`<span class="live-dot" role="img" aria-label="Run in progress" />` : null}
      <button type="button" class="btn ghost icon sm right card-menu" aria-label=${"Move " + issue.identifier + " to…"} aria-haspopup="listbox"
        onClick=${(e) => { e.preventDefault(); onMenu(e.currentTarget, issue); }}><${Icon} name="more" size=${14} /></button></div>
    <div class="kcard-title">${issue.title}</div>
    <div class="row"><${IssuePriority} priority=${issue.priority} />
      ${(issue.labels || []).slice(0, 2).map((l) => html`<span class="chip"><span class="label-dot" style=${"background:" + l.color} />${l.name}</span>`)}
      <span class="right">${who ? html`<span title=${who}><${Avatar} name=${who} agent /></span>` : null}</span></div>
  </a>`;
});

/**
 * ColumnBody lists a column's cards, windowed when long: spacers above and below keep
 * the scroll height, so the column's scrollbar and drop target behave as if every card
 * were there. Up/Down on a focused card move to its neighbour (scrolling it in).
 */
function ColumnBody({ list, agents, prefix, dragId, onDragStart, onDragEnd, onMenu }) {
  const windowed = list.length > WINDOW_ABOVE;
  const [ref, [from, to], reveal] = useWindow(list.length, CARD_STEP, { enabled: windowed, overscan: 8 });
  const key = (e) => {
    const card = e.target.closest && e.target.closest(".kcard");
    if (!card || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
    e.preventDefault();
    const next = Number(card.dataset.index) + (e.key === "ArrowDown" ? 1 : -1);
    if (next < 0 || next >= list.length) return;
    const focus = () => { const el = ref.current && ref.current.querySelector(`[data-index="${next}"]`); if (el) el.focus(); return !!el; };
    if (focus()) { ref.current.querySelector(`[data-index="${next}"]`).scrollIntoView({ block: "nearest" }); return; }
    reveal(next);
    requestAnimationFrame(() => requestAnimationFrame(focus));
  };
  const pad = (n) => (n > 0 ? html`<div class="board-spacer" aria-hidden="true" style=${`height:${n * CARD_STEP - 6}px`} />` : null);
  return html`<div class="board-col-body" ref=${ref} onKeyDown=${key}>
    ${windowed ? pad(from) : null}
    ${list.slice(from, to).map((r, i) => html`<${Card} key=${r.id} issue=${r} index=${from + i} agents=${agents} prefix=${prefix} dragging=${dragId === r.id}
      fixed=${windowed} onDragStart=${onDragStart} onDragEnd=${onDragEnd} onMenu=${onMenu} />`)}
    ${windowed ? pad(list.length - to) : null}
  </div>`;
}

/** Board renders issues as status columns with drag and drop. */
export function Board({ rows, agents, prefix }) {
  const [drag, setDrag] = useState(null); // the issue being dragged
  const [over, setOver] = useState(null);
  const [expanded, setExpanded] = useState({ done: false, cancelled: false });
  const [picker, openPicker, closePicker] = usePicker();
  const cols = useMemo(() => {
    const m = Object.fromEntries(ISSUE_STATUSES.map((s) => [s, []]));
    for (const r of rows) (m[r.status] || (m[r.status] = [])).push(r);
    return m;
  }, [rows]);

  const move = (issue, status, anchor) => {
    if (!canTransition(issue.status, status)) return;
    if (status === "in_progress" && !issue.assigneeAgentId && !issue.assigneeUserId) {
      // No assignee: ask first (cancel = no move). Deferred so a closing Move-to menu
      // does not close the assignee picker in the same tick.
      setTimeout(() => openPicker("assign", anchor, { issue, status }), 0);
      return;
    }
    patchIssue(issue, { status }).catch(() => {});
  };
  // Stable, so memoised cards skip rendering when the window or the drag state changes.
  const start = useCallback((e, issue) => {
    setDrag(issue);
    e.dataTransfer.effectAllowed = "move";
    try { e.dataTransfer.setData("text/plain", issue.identifier); } catch { /* some browsers restrict types */ }
  }, []);
  const end = useCallback(() => { setDrag(null); setOver(null); }, []);
  const onMenu = useCallback((el, issue) => openPicker("move", el, { issue }), []);
  const colProps = (s) => {
    const ok = drag && canTransition(drag.status, s);
    return {
      onDragOver: (e) => { if (ok) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; if (over !== s) setOver(s); } },
      onDragLeave: () => over === s && setOver(null),
      onDrop: (e) => {
        e.preventDefault();
        const issue = drag;
        end();
        if (issue && canTransition(issue.status, s)) move(issue, s, e.currentTarget);
      },
    };
  };
  return html`<div class="board" role="list" aria-label="Board">
    ${ISSUE_STATUSES.map((s) => {
      const list = cols[s] || [];
      const collapsed = (s === "done" || s === "cancelled") && !expanded[s];
      const cls = "board-col" + (collapsed ? " collapsed" : "") + (drag && drag.status !== s ? (canTransition(drag.status, s) ? (over === s ? " drop-ok" : "") : " drop-no") : "");
      return html`<section class=${cls} role="listitem" aria-label=${statusLabel(s) + ", " + list.length + " issues"} data-status=${s}
          aria-dropeffect=${drag ? (canTransition(drag.status, s) ? "move" : "none") : undefined} ...${colProps(s)}
          onClick=${collapsed ? () => setExpanded({ ...expanded, [s]: true }) : undefined}>
        <div class="board-col-head"><${StatusGlyph} status=${s} />${statusLabel(s)}<span class="muted">${list.length}</span>
          ${!collapsed && (s === "done" || s === "cancelled") ? html`<button class="btn ghost icon sm right" aria-label=${"Collapse " + statusLabel(s)} onClick=${() => setExpanded({ ...expanded, [s]: false })}><${Icon} name="chevron-right" size=${14} /></button>` : null}
        </div>
        ${collapsed ? null : html`<${ColumnBody} list=${list} agents=${agents} prefix=${prefix} dragId=${drag && drag.id}
          onDragStart=${start} onDragEnd=${end} onMenu=${onMenu} />`}
      </section>`;
    })}
    ${picker && picker.name === "move" ? html`<${Picker} anchor=${picker.anchor} label=${"Move " + picker.issue.identifier + " to"}
      items=${statusItems(picker.issue.status)} value=${picker.issue.status} onSelect=${(v) => move(picker.issue, v, picker.anchor)} onClose=${closePicker} />` : null}
    ${picker && picker.name === "assign" ? html`<${Picker} anchor=${picker.anchor} label="Assign before starting" search
      items=${assigneeItems(agents, { none: false })} onSelect=${(v) => patchIssue(picker.issue, { status: picker.status, assigneeAgentId: v }).catch(() => {})} onClose=${closePicker} />` : null}
  </div>`;
}
