// Markdown view: renders untrusted markdown through markdown.js and routes in-app links.
import { html, useLayoutEffect, useRef, useState } from "../preact.js";
import { renderMarkdown, MAX_RENDER } from "../markdown.js";
import { navigate, isPlainClick } from "../router.js";
import { useShell } from "./ui.js";

/** Markdown renders `source` as sanitized nodes. */
export function Markdown({ source, class: cls = "" }) {
  const ref = useRef(null);
  const shell = useShell();
  const [all, setAll] = useState(false);
  const long = (source || "").length > MAX_RENDER;
  const text = long && !all ? source.slice(0, MAX_RENDER) : source;
  const prefix = shell.company ? shell.company.issuePrefix : "";
  useLayoutEffect(() => {
    if (ref.current) ref.current.replaceChildren(renderMarkdown(text, { prefix }));
  }, [text, prefix]);
  const click = (e) => {
    const a = e.target.closest && e.target.closest("a[data-internal]");
    if (!a || !isPlainClick(e)) return;
    e.preventDefault();
    const u = new URL(a.getAttribute("href"), location.origin);
    navigate(u.pathname + u.search);
  };
  return html`<div>
    <div class=${"md " + cls} ref=${ref} onClick=${click} />
    ${long && !all ? html`<button class="btn sm" onClick=${() => setAll(true)}>Show all (${Math.round(source.length / 1024)} KB)</button>` : null}
  </div>`;
}
