// The one import point for Preact, its hooks and htm, so pages never name vendor files.
import { h, render, createContext, Fragment } from "./vendor/preact.module.js";
import { useState, useEffect, useLayoutEffect, useMemo, useCallback, useRef, useContext, useReducer } from "./vendor/hooks.module.js";
import htm from "./vendor/htm.module.js";

/** html is htm bound to Preact's h: tagged templates instead of JSX, no build step. */
export const html = htm.bind(h);
export { h, render, createContext, Fragment, useState, useEffect, useLayoutEffect, useMemo, useCallback, useRef, useContext, useReducer };
