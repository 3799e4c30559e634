// Untrusted markdown (agents write most of it) → a sanitized DOM fragment. Raw HTML in the
// source is escaped by the renderer, the produced HTML then passes DOMPurify with an
// allow-list, and the resulting nodes are rewritten for our link and image rules. The
// output is only ever inserted as nodes, never through innerHTML of a string.
import { Marked } from "./vendor/marked.esm.js";
import createDOMPurify from "./vendor/purify.es.js";

const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const marked = new Marked({ gfm: true, breaks: false, async: false });
// Raw HTML is shown as text: both block and inline html tokens render escaped.
marked.use({ renderer: { html: (token) => escapeHTML(token.text) } });

const purify = createDOMPurify(window);
const SANITIZE = {
  ALLOWED_TAGS: ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "input", "table", "thead", "tbody", "tr", "th", "td", "a", "img"],
  ALLOWED_ATTR: ["href", "src", "alt", "title", "type", "checked", "disabled", "start"],
  // DOMPurify's default URI rule minus every scheme we do not render (agent: becomes a chip).
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|agent):|[^a-z]|[a-z+.-]+(?:[^a-z+.:-]|$))/i,
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** MAX_RENDER is the source size rendered at once; longer content starts collapsed. */
export const MAX_RENDER = 200 * 1024;

const IDENT = /\b([A-Z][A-Z0-9]{0,9})-(\d{1,7})\b/g;
const SAME_ORIGIN_IMAGES = /^\/api\/(assets|attachments)\//;

function textNode(doc, text) { return doc.createTextNode(text); }

function safeURL(href) {
  try { return new URL(href, location.origin); } catch { return null; }
}

function rewriteLink(a, opts) {
  const doc = a.ownerDocument;
  const href = a.getAttribute("href");
  if (!href) { a.replaceWith(textNode(doc, a.textContent)); return; }
  if (/^agent:\/\//i.test(href)) {
    const id = href.replace(/^agent:\/\//i, "").split(/[/?#]/)[0];
    const chip = doc.createElement("a");
    chip.className = "mention";
    chip.setAttribute("href", opts.prefix ? `/${opts.prefix}/agents/${encodeURIComponent(id)}` : "#");
    chip.dataset.internal = "1";
    const name = a.textContent.replace(/^@/, "");
    chip.textContent = "@" + (name || (opts.agentName && opts.agentName(id)) || "agent");
    a.replaceWith(chip);
    return;
  }
  const u = safeURL(href);
  if (!u || !["http:", "https:", "mailto:"].includes(u.protocol)) { a.replaceWith(textNode(doc, a.textContent)); return; }
  if (u.origin === location.origin && u.protocol !== "mailto:") {
    a.dataset.internal = "1";
    return;
  }
  a.setAttribute("rel", "noopener noreferrer nofollow");
  a.setAttribute("target", "_blank");
}

function rewriteImage(img) {
  const doc = img.ownerDocument;
  const src = img.getAttribute("src") || "";
  const u = safeURL(src);
  if (u && u.origin === location.origin && SAME_ORIGIN_IMAGES.test(u.pathname)) {
    img.setAttribute("loading", "lazy");
    return;
  }
  if (u && u.protocol === "https:") {
    // No automatic third-party requests: a link the reader may choose to follow.
    const a = doc.createElement("a");
    a.setAttribute("href", u.href);
    a.setAttribute("rel", "noopener noreferrer nofollow");
    a.setAttribute("target", "_blank");
    a.textContent = "image: " + u.href;
    img.replaceWith(a);
    return;
  }
  img.replaceWith(textNode(doc, img.getAttribute("alt") || ""));
}

function linkIdentifiers(root) {
  const doc = root.ownerDocument || document;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement && n.parentElement.closest("a, code, pre") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) if (IDENT.test(walker.currentNode.nodeValue)) nodes.push(walker.currentNode);
  for (const n of nodes) {
    const frag = doc.createDocumentFragment();
    let last = 0;
    const s = n.nodeValue;
    IDENT.lastIndex = 0;
    for (let m; (m = IDENT.exec(s));) {
      frag.append(s.slice(last, m.index));
      const a = doc.createElement("a");
      a.className = "issue-ref";
      a.setAttribute("href", `/${m[1]}/issues/${m[0]}`);
      a.dataset.internal = "1";
      a.textContent = m[0];
      frag.append(a);
      last = m.index + m[0].length;
    }
    frag.append(s.slice(last));
    n.replaceWith(frag);
  }
  IDENT.lastIndex = 0;
}

/**
 * renderMarkdown returns a sanitized DocumentFragment for `source`.
 * opts.prefix: the company issue prefix, for agent mention links.
 */
export function renderMarkdown(source, opts = {}) {
  const htmlText = marked.parse(String(source || ""));
  const frag = purify.sanitize(htmlText, SANITIZE);
  for (const input of frag.querySelectorAll("input")) {
    if ((input.getAttribute("type") || "").toLowerCase() !== "checkbox") { input.remove(); continue; }
    input.setAttribute("disabled", "");
  }
  for (const a of [...frag.querySelectorAll("a")]) rewriteLink(a, opts);
  for (const img of [...frag.querySelectorAll("img")]) rewriteImage(img);
  linkIdentifiers(frag);
  return frag;
}
