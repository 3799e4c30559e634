// Drafts: an editable copy of server state for a form that stays mounted while the
// server's copy changes underneath it (an agent's row changes whenever anyone edits it,
// and the page refetches it on every live event about it).
//
// The agent forms used to remount whenever the agent's updatedAt moved. That threw away
// whatever the user was typing, and the remounted form focused its first field, so the
// rest of the typing landed in the agent's name. A draft instead takes the server's new
// value field by field: what the user has not touched follows the server, what they
// have edited stays as they left it.
import { useLayoutEffect, useRef, useState } from "./preact.js";

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// rebase moves a draft from the server value it started from (base) onto the next one.
// Objects are merged by top-level key; anything else is the user's if they changed it.
function rebase(base, draft, next) {
  if (same(draft, base)) return next;
  if (!isObject(base) || !isObject(draft) || !isObject(next)) return draft;
  const out = { ...draft };
  for (const k of Object.keys(next)) if (same(draft[k], base[k])) out[k] = next[k];
  return out;
}

/**
 * useDraft returns {draft, set, dirty, discard, saved} for a form over `server` (the form
 * value the server's copy gives). `text` maps a form value to the text a save would send:
 * server changes and edits are detected by it. Call saved(v) with the value a successful
 * save sent (typing may have gone on while it was in flight); the form is clean while the
 * draft is that value, and the refetched server value replaces it.
 */
export function useDraft(server, text) {
  // base: the server value the draft was taken from, or the draft just saved (so the
  // form is clean between the save and the refetch, and leaving then raises no prompt).
  const [st, setSt] = useState(() => ({ draft: server, base: server }));
  const serverText = text(server);
  const last = useRef(serverText);
  // A layout effect, so the page never paints the stale draft next to the new server value.
  useLayoutEffect(() => {
    if (serverText === last.current) return;
    last.current = serverText;
    setSt((s) => ({ draft: rebase(s.base, s.draft, server), base: server }));
  }, [serverText]);
  return {
    draft: st.draft,
    set: (v) => setSt((s) => ({ ...s, draft: v })),
    dirty: text(st.draft) !== text(st.base),
    discard: () => setSt((s) => ({ ...s, draft: s.base })),
    saved: (v) => setSt((s) => ({ ...s, base: v })),
  };
}
