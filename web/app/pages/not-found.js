// The 404 page for unknown prefixes and paths.
import { html } from "../preact.js";
import { Link } from "../router.js";
import { Page, useShell } from "../components/ui.js";

export function NotFoundPage() {
  const shell = useShell();
  const c = shell.company || (shell.companies || [])[0];
  return html`<${Page} title="Page not found">
    <div class="empty"><div class="nf-code" aria-hidden="true">404</div>
      <p style="font-size:16px;margin:0">There is nothing at <code>${location.pathname}</code>.</p>
      <p class="muted" style="margin:0">The link may be out of date, or its company was archived or never existed here.</p>
      <div class="row">${c ? html`<${Link} class="btn primary" href=${`/${c.issuePrefix}/dashboard`}>Dashboard</${Link}>` : null}
        <${Link} class="btn" href="/companies">Companies</${Link}></div></div>
  </${Page}>`;
}
