// A small query cache: every screen reads REST responses through useQuery, live events
// and mutations invalidate by resource name, and mounted queries refetch. Stale data stays
// on screen while a refetch runs (and while offline), so navigation back is instant.
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from "./preact.js";

const cache = new Map(); // key (JSON of the key array) → entry

function entryFor(k) {
  let e = cache.get(k);
  if (!e) {
    e = { key: k, parts: JSON.parse(k), data: undefined, error: null, loading: false, again: false, subs: new Set(), fetch: null };
    cache.set(k, e);
  }
  return e;
}

function notify(e) { for (const s of e.subs) s(); }

function load(e) {
  if (!e.fetch) return Promise.resolve();
  if (e.loading) { e.again = true; return e.promise; }
  e.loading = true;
  notify(e);
  e.promise = Promise.resolve()
    .then(() => e.fetch())
    .then((d) => { e.data = d; e.error = null; }, (err) => { e.error = err; })
    .finally(() => {
      e.loading = false;
      if (e.again) { e.again = false; load(e); }
      notify(e);
    });
  return e.promise;
}

/**
 * useQuery reads `fetcher()` under `key` (an array whose first item is the resource
 * name, e.g. ["issues", companyId, filters]). A null key disables the query.
 * Returns {data, error, loading, reload}.
 */
export function useQuery(key, fetcher) {
  const k = key ? JSON.stringify(key) : null;
  const [, force] = useReducer((x) => x + 1, 0);
  const fref = useRef(fetcher);
  fref.current = fetcher;
  // Subscribed at commit, not after paint: the request starts in the same frame the
  // component first renders, which shortens every fetch → render → fetch chain.
  useLayoutEffect(() => {
    if (!k) return undefined;
    const e = entryFor(k);
    e.fetch = () => fref.current();
    e.subs.add(force);
    if (e.data === undefined && !e.loading) load(e);
    else if (e.stale) { e.stale = false; load(e); }
    return () => { e.subs.delete(force); };
  }, [k]);
  if (!k) return { data: undefined, error: null, loading: false, reload: () => {} };
  const e = cache.get(k);
  return {
    data: e ? e.data : undefined,
    error: e ? e.error : null,
    loading: !e || (e.data === undefined && (e.loading || !e.error)),
    refreshing: !!(e && e.loading),
    reload: () => e && load(e),
  };
}

function matches(parts, names) {
  return names.some((n) => (Array.isArray(n) ? n.every((p, i) => parts[i] === p) : parts[0] === n));
}

/**
 * invalidate refetches every mounted query whose resource name is in `names` (strings,
 * or arrays matching a key prefix), and marks unmounted ones stale. No names: everything.
 */
export function invalidate(...names) {
  for (const e of cache.values()) {
    if (names.length && !matches(e.parts, names)) continue;
    if (e.subs.size) load(e);
    else e.stale = true;
  }
}

/** setQueryData replaces (or maps, given a function) cached data for optimistic updates. */
export function setQueryData(key, update) {
  const e = entryFor(JSON.stringify(key));
  e.data = typeof update === "function" ? update(e.data) : update;
  notify(e);
}

/** updateWhere maps the data of every cached query of a resource (e.g. every issue list). */
export function updateWhere(name, fn) {
  for (const e of cache.values()) {
    if (e.parts[0] !== name || e.data === undefined) continue;
    e.data = fn(e.data, e.parts);
    notify(e);
  }
}

/** peek returns cached data without subscribing. */
export function peek(key) {
  const e = cache.get(JSON.stringify(key));
  return e ? e.data : undefined;
}

/** useDelayed turns true only after `ms` of `flag` being true, so skeletons never flash. */
export function useDelayed(flag, ms = 150) {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!flag) { setOn(false); return undefined; }
    const t = setTimeout(() => setOn(true), ms);
    return () => clearTimeout(t);
  }, [flag]);
  return on;
}

/** useNow re-renders every `ms` for ticking elapsed times. */
export function useNow(ms = 1000, enabled = true) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!enabled) return undefined;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, enabled]);
  return now;
}
