// Onboarding wizard: company → first agent → first task → launch, ending on the issue
// page where the run starts. Entities created along the way are reused when the user
// goes back, never duplicated.
import { html, useEffect, useState } from "../preact.js";
import { navigate } from "../router.js";
import * as api from "../api.js";
import { invalidate } from "../data.js";
import { AdapterCards, AdapterFields, EnvTest, adapterDefaults, ADAPTERS } from "../components/agent-form.js";
import { fieldErrors } from "./agent-new.js";

const STEPS = ["Company", "First agent", "First task", "Launch"];
const TASK_TITLE = "Write the company plan and hire the first team";
const TASK_BODY = `Read the company mission and turn it into a plan.

1. Write a short plan as the \`plan\` document of this issue: goals for the next weeks, the first projects, and how you will measure progress.
2. Propose the first hires through approvals — one request per role, with why the company needs it now.
3. Break the plan into issues, assign what you can do yourself, and leave the rest for the new team.

Keep the board informed with comments on this issue.`;
const LOCAL = ["claude_local", "codex_local"];

function Stepper({ step, setStep, reached }) {
  return html`<ol class="stepper" aria-label="Steps">${STEPS.map((s, i) => html`<li>
    <button type="button" class=${i < step ? "done" : ""} aria-current=${i === step ? "step" : undefined} disabled=${i > reached} onClick=${() => setStep(i)}>
      <span class="n">${i < step ? "✓" : i + 1}</span><span class="step-label">${s}</span></button></li>`)}</ol>`;
}

export function OnboardingPage({ query }) {
  const startCompany = query.get("company");
  const [step, setStep] = useState(startCompany ? 1 : 0);
  const [reached, setReached] = useState(startCompany ? 1 : 0);
  const [company, setCompany] = useState(null);
  const [c, setC] = useState({ name: "", mission: "", budget: "" });
  const [goalDone, setGoalDone] = useState(false);
  const [agent, setAgent] = useState(null);
  const [a, setA] = useState({ name: "CEO", adapterType: "claude_local", adapterConfig: adapterDefaults("claude_local") });
  const [detected, setDetected] = useState({});
  const [test, setTest] = useState(null);
  const [t, setT] = useState({ title: TASK_TITLE, description: TASK_BODY });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [errors, setErrors] = useState({});

  useEffect(() => {
    if (!startCompany) return;
    api.getCompany(startCompany).then((co) => { setCompany(co); setC({ name: co.name, mission: co.description || "", budget: co.budgetMonthlyCents ? String(co.budgetMonthlyCents / 100) : "" }); }, () => {});
  }, [startCompany]);
  useEffect(() => { document.title = "Set up · Paperclip"; }, []);

  // Entering step 2 probes the local CLIs; the first one found is preselected.
  useEffect(() => {
    if (step !== 1 || !company || Object.keys(detected).length) return;
    setDetected({ claude_local: "checking", codex_local: "checking" });
    Promise.all(LOCAL.map((type) => api.testEnvironment(company.id, type, { adapterConfig: adapterDefaults(type) })
      .then((r) => [type, r.status], () => [type, "fail"]))).then((res) => {
      const found = Object.fromEntries(res);
      setDetected(found);
      if (!agent) {
        const first = LOCAL.find((type) => found[type] === "pass" || found[type] === "warn");
        if (first) setA((x) => ({ ...x, adapterType: first, adapterConfig: adapterDefaults(first) }));
      }
    });
  }, [step, company && company.id]);

  const go = (n) => { setError(null); setStep(n); setReached((r) => Math.max(r, n)); };
  const fail = (e) => { setError(e.message); setErrors(fieldErrors(e)); setBusy(false); };

  const submitCompany = async () => {
    if (!c.name.trim()) { setErrors({ name: "Company name is required" }); return; }
    setBusy(true); setErrors({});
    try {
      const budgetMonthlyCents = Math.round((parseFloat(c.budget) || 0) * 100);
      const body = { name: c.name.trim(), description: c.mission.trim() || null, budgetMonthlyCents };
      const co = company ? await api.updateCompany(company.id, body) : await api.createCompany(body);
      setCompany(co);
      if (c.mission.trim() && !goalDone) {
        try { await api.createGoal(co.id, { title: c.mission.trim(), level: "company", status: "active" }); setGoalDone(true); } catch { /* goals API may not exist yet */ }
      }
      invalidate("companies");
      setBusy(false);
      go(1);
    } catch (e) { fail(e); }
  };

  const runTest = async () => {
    try { const r = await api.testEnvironment(company.id, a.adapterType, { adapterConfig: a.adapterConfig }); setTest(r); return r; }
    catch (e) { const r = { status: "fail", checks: [{ level: "error", message: e.message }] }; setTest(r); return r; }
  };
  const submitAgent = async () => {
    if (!a.name.trim()) { setErrors({ name: "Name is required" }); return; }
    setBusy(true); setErrors({});
    if (LOCAL.includes(a.adapterType)) {
      const r = await runTest();
      if (r.status === "fail") { setBusy(false); setError("The environment test failed — fix the checks below, or choose another adapter."); return; }
    }
    const body = {
      name: a.name.trim(), role: "ceo", title: "Chief Executive Officer", adapterType: a.adapterType, adapterConfig: a.adapterConfig,
      runtimeConfig: { heartbeat: { enabled: true, intervalSec: 3600, wakeOnDemand: true, maxConcurrentRuns: 1, skipWhenNoActionableWork: true } },
    };
    try {
      const ag = agent ? await api.updateAgent(agent.id, body) : await api.createAgent(company.id, body);
      setAgent(ag);
      invalidate("agents");
      setBusy(false);
      go(2);
    } catch (e) { fail(e); }
  };

  const launch = async () => {
    setBusy(true);
    try {
      const issue = await api.createIssue(company.id, { title: t.title.trim(), description: t.description, status: "todo", priority: "high", assigneeAgentId: agent.id });
      invalidate("companies", "issues");
      try { localStorage.setItem("paperclip.lastCompany", company.id); } catch { /* off */ }
      navigate(`/${company.issuePrefix}/issues/${issue.identifier}`);
    } catch (e) { fail(e); }
  };

  const keys = (e, fn) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); fn(); } };
  const adapterName = (ADAPTERS.find((x) => x.type === a.adapterType) || {}).name;
  return html`<main class="onboarding" id="main">
    <div class="onboarding-inner">
      <${Stepper} step=${step} setStep=${(i) => i <= reached && go(i)} reached=${reached} />
      ${error ? html`<div class="error-box" role="alert" style="margin-bottom:16px">${error}</div>` : null}
      ${step === 0 ? html`<form onSubmit=${(e) => { e.preventDefault(); submitCompany(); }}>
        <h1>What is the name of your company?</h1>
        <p class="lead">Welcome to Paperclip — let's set up the company your agents will run.</p>
        <div class="field"><label for="ob-name">Company name</label>
          <input id="ob-name" class="input" autofocus placeholder="e.g. Northwind Labs" value=${c.name} onInput=${(e) => setC({ ...c, name: e.target.value })}
            aria-invalid=${errors.name ? "true" : undefined} />${errors.name ? html`<div class="err">${errors.name}</div>` : null}</div>
        <div class="field"><label for="ob-mission">Mission or goal <span class="muted">(optional)</span></label>
          <textarea id="ob-mission" class="textarea" rows="2" placeholder="One or two sentences: what should this company achieve?" value=${c.mission}
            onInput=${(e) => setC({ ...c, mission: e.target.value })} onKeyDown=${(e) => keys(e, submitCompany)} /></div>
        <div class="field" style="max-width:220px"><label for="ob-budget">Monthly budget ($) <span class="muted">(optional)</span></label>
          <input id="ob-budget" class="input" type="number" min="0" step="1" value=${c.budget} onInput=${(e) => setC({ ...c, budget: e.target.value })} /></div>
        <div class="row" style="margin-top:20px">${company || history.length > 1 ? html`<button type="button" class="btn ghost" onClick=${() => (company ? navigate(`/${company.issuePrefix}/dashboard`) : history.back())}>${company ? "Skip" : "Cancel"}</button>` : null}
          <button type="submit" class="btn primary right" disabled=${busy}>${busy ? html`<span class="spinner" />` : null}Continue →</button></div>
      </form>` : null}
      ${step === 1 ? html`<form onSubmit=${(e) => { e.preventDefault(); submitAgent(); }}>
        <h1>Hire your first agent</h1>
        <p class="lead">The CEO reads the mission, plans the work and proposes the rest of the team.</p>
        <div class="field"><label for="ob-agent">Name</label><input id="ob-agent" class="input" value=${a.name} onInput=${(e) => setA({ ...a, name: e.target.value })} />
          ${errors.name ? html`<div class="err">${errors.name}</div>` : null}</div>
        <div class="field-label" style="margin-bottom:6px">Adapter</div>
        <${AdapterCards} value=${a.adapterType} detected=${detected} onChange=${(type) => { setTest(null); setA({ ...a, adapterType: type, adapterConfig: adapterDefaults(type) }); }} />
        ${company ? html`<${AdapterFields} companyId=${company.id} type=${a.adapterType} cfg=${a.adapterConfig} set=${(cfg) => setA({ ...a, adapterConfig: cfg })} compact />` : null}
        <div class="row" style="margin:4px 0 8px"><button type="button" class="btn sm" onClick=${runTest}>Test environment</button></div>
        <${EnvTest} result=${test} />
        <div class="row" style="margin-top:20px"><button type="button" class="btn ghost" onClick=${() => navigate(`/${company.issuePrefix}/dashboard`)}>Skip</button>
          <button type="button" class="btn" onClick=${() => go(0)}>Back</button>
          <button type="submit" class="btn primary right" disabled=${busy}>${busy ? html`<span class="spinner" />` : null}Continue →</button></div>
      </form>` : null}
      ${step === 2 ? html`<form onSubmit=${(e) => { e.preventDefault(); go(3); }}>
        <h1>Give ${agent ? agent.name : "the CEO"} a first task</h1>
        <p class="lead">It is assigned right away; the agent wakes up and starts on it.</p>
        <div class="field"><label for="ob-task">Title</label><input id="ob-task" class="input" value=${t.title} onInput=${(e) => setT({ ...t, title: e.target.value })} /></div>
        <div class="field"><label for="ob-desc">Description</label><textarea id="ob-desc" class="textarea" rows="10" value=${t.description} onInput=${(e) => setT({ ...t, description: e.target.value })} /></div>
        <div class="row" style="margin-top:20px"><button type="button" class="btn ghost" onClick=${() => navigate(`/${company.issuePrefix}/dashboard`)}>Skip</button>
          <button type="button" class="btn" onClick=${() => go(1)}>Back</button>
          <button type="submit" class="btn primary right" disabled=${!t.title.trim()}>Continue →</button></div>
      </form>` : null}
      ${step === 3 ? html`<div>
        <h1>Ready to launch</h1>
        <p class="lead">This is what Paperclip sets up. You can change all of it later.</p>
        <ul class="summary-list">
          <li><span class="muted" style="width:90px">Company</span><span><strong>${company && company.name}</strong> <span class="ident">${company && company.issuePrefix}</span>${c.budget ? ` · $${c.budget}/month` : ""}</span></li>
          <li><span class="muted" style="width:90px">Agent</span><span><strong>${agent && agent.name}</strong> · CEO · ${adapterName} · wakes hourly and on assignment</span></li>
          <li><span class="muted" style="width:90px">Task</span><span><strong>${t.title}</strong>, assigned to ${agent && agent.name}</span></li>
        </ul>
        <div class="row" style="margin-top:20px"><button type="button" class="btn" onClick=${() => go(2)}>Back</button>
          <button type="button" class="btn primary right" autofocus disabled=${busy} onClick=${launch}>${busy ? html`<span class="spinner" />` : null}Launch</button></div>
      </div>` : null}
    </div>
  </main>`;
}

