// New agent: the agent form, then POST /agents (or /agent-hires when the company
// requires board approval for new hires).
import { html, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { invalidate } from "../data.js";
import { Page, useShell } from "../components/ui.js";
import { toast } from "../components/toasts.js";
import { AgentForm, agentFormState, agentBody } from "../components/agent-form.js";

/** fieldErrors maps a 422's details to form fields by their path. */
export function fieldErrors(err) {
  const out = {};
  for (const d of (err && err.details) || []) {
    const path = Array.isArray(d.path) ? d.path.join(".") : String(d.path || "");
    if (path) out[path.split(".")[0]] = d.message;
  }
  return out;
}

export function NewAgentPage({ query }) {
  const shell = useShell();
  const company = shell.company;
  const p = "/" + company.issuePrefix;
  const [f, set] = useState(() => ({ ...agentFormState(null), reportsTo: query.get("reportsTo") || "" }));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const hire = company.requireBoardApprovalForNewAgents;
  const submit = async () => {
    if (!f.name.trim()) { setErrors({ name: "Name is required" }); return; }
    setBusy(true);
    try {
      const body = agentBody(f);
      if (hire) {
        await api.hireAgent(company.id, body);
        toast({ message: "Hire request created — approve it in Approvals", link: { href: p + "/approvals", label: "Approvals" } });
        navigate(p + "/agents");
      } else {
        const a = await api.createAgent(company.id, body);
        toast({ message: `Hired ${a.name}` });
        navigate(`${p}/agents/${a.urlKey || a.id}`);
      }
      invalidate("agents", "org", "dashboard");
    } catch (e) { setErrors(fieldErrors(e)); setBusy(false); }
  };
  return html`<${Page} title="New agent" crumbs=${[{ href: p + "/agents", label: "Agents" }]} width="narrow">
    <form onSubmit=${(e) => { e.preventDefault(); submit(); }} onKeyDown=${(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}>
      <${AgentForm} company=${company} agents=${shell.agents} f=${f} set=${set} errors=${errors} />
      <div class="row section"><button type="submit" class="btn primary" disabled=${busy}>${busy ? html`<span class="spinner" />` : null}${hire ? "Request hire" : "Create agent"}</button>
        <button type="button" class="btn" onClick=${() => history.back()}>Cancel</button></div>
    </form>
  </${Page}>`;
}
