// The one import point for Preact, its hooks and htm, so pages never name vendor files.
import { h, render, createContext, Fragment } from "./vendor/preact.module.js";
import { useState, useEffect, useLayoutEffect, useMemo, useCallback, useRef, useContext, useReducer } from "./vendor/hooks.module.js";
import htm from "./vendor/htm.module.js";

// Elements already given their mount focus: a ref callback runs again on every render
// (a new function each time), and focus must move only when the element first appears.
const focused = new WeakSet();

// HTML's autofocus attribute acts once per document (the first candidate ever inserted),
// so in a single-page app it silently does nothing for a dialog or an inline editor that
// mounts later. An `autofocus` prop here means "focus this element when it mounts": it
// becomes a ref that focuses the element at commit (after it is in the document) and a
// data-autofocus marker that dialogs look for when they choose their first focus.
function hFocus(type, props, ...children) {
  if (typeof type !== "string" || !props || !props.autofocus) return h(type, props, ...children);
  const { autofocus, ref, ...rest } = props;
  rest["data-autofocus"] = "";
  rest.ref = (el) => {
    if (typeof ref === "function") ref(el);
    else if (ref) ref.current = el;
    if (el && !focused.has(el) && el.isConnected) {
      focused.add(el);
      el.focus();
    }
  };
  return h(type, rest, ...children);
}

function shallowDiffers(a, b) {
  for (const k in a) if (!(k in b)) return true;
  for (const k in b) if (a[k] !== b[k]) return true;
  return false;
}

/**
 * memo skips re-rendering a component whose props are all identical (===) to the last
 * render's: windowed lists re-render on every scroll step, and only the rows entering
 * the window should do work. Callbacks passed to a memo component must be stable.
 */
export function memo(Comp) {
  function shouldUpdate(next) { return shallowDiffers(this.props, next); }
  function Memo(props) {
    this.shouldComponentUpdate = shouldUpdate;
    return h(Comp, props);
  }
  Memo.displayName = "Memo(" + (Comp.displayName || Comp.name) + ")";
  return Memo;
}

/** html is htm bound to Preact's h: tagged templates instead of JSX, no build step. */
export const html = htm.bind(hFocus);
export { h, render, createContext, Fragment, useState, useEffect, useLayoutEffect, useMemo, useCallback, useRef, useContext, useReducer };
