// Authenticated-mode screens, drawn full page outside the shell: sign in / sign up
// (/auth), "Instance setup required" while no admin exists (/setup), and accepting an
// invite (/invite/:token), which is also how the first admin claims the instance.
import { html, useEffect, useState } from "../preact.js";
import { navigate, Link, safeNext } from "../router.js";
import * as api from "../api.js";
import { useQuery, invalidate, setQueryData } from "../data.js";
import { initials } from "../format.js";

const ROLES = { owner: "Owner", admin: "Admin", operator: "Operator", viewer: "Viewer" };

function useTitle(t) { useEffect(() => { document.title = t + " · Paperclip"; }, [t]); }

function Frame({ children, wide }) {
  return html`<main class="auth-screen" id="main" tabindex="-1">
    <div class="auth-brand" aria-hidden="true"><span class="auth-mark">P</span>Paperclip</div>
    <div class=${"auth-card card" + (wide ? " wide" : "")}>${children}</div>
  </main>`;
}

/**
 * AuthForm is the sign in / sign up form. onDone(user) runs after the session cookie is
 * set. Errors stay inline, in the server's words.
 */
export function AuthForm({ signUpDisabled, onDone, initialMode = "sign-in" }) {
  const [mode, setMode] = useState(signUpDisabled ? "sign-in" : initialMode);
  const [f, setF] = useState({ name: "", email: "", password: "" });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const up = mode === "sign-up";
  const submit = async (e) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErr(null);
    try {
      const r = up ? await api.signUp(f.name.trim(), f.email.trim(), f.password) : await api.signIn(f.email.trim(), f.password);
      invalidate("session", "health", "companies");
      await onDone(r && r.user);
    } catch (x) {
      setErr(x.status === 0 ? "Cannot reach Paperclip" : x.message);
      setBusy(false);
    }
  };
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  return html`<form class="auth-form" onSubmit=${submit} noValidate>
    ${signUpDisabled ? null : html`<div class="seg" role="tablist" aria-label="Account">
      <button type="button" role="tab" aria-selected=${!up ? "true" : "false"} onClick=${() => { setMode("sign-in"); setErr(null); }}>Sign in</button>
      <button type="button" role="tab" aria-selected=${up ? "true" : "false"} onClick=${() => { setMode("sign-up"); setErr(null); }}>Create account</button></div>`}
    ${up ? html`<div class="field"><label for="auth-name">Name</label><input id="auth-name" class="input" autocomplete="name" required autofocus maxlength="120" value=${f.name} onInput=${set("name")} /></div>` : null}
    <div class="field"><label for="auth-email">Email</label><input id="auth-email" class="input" type="email" autocomplete="email" required autofocus=${!up} value=${f.email} onInput=${set("email")} /></div>
    <div class="field"><label for="auth-password">Password</label><input id="auth-password" class="input" type="password" required
      autocomplete=${up ? "new-password" : "current-password"} minlength=${up ? 8 : undefined} value=${f.password} onInput=${set("password")}
      aria-invalid=${err ? "true" : undefined} aria-describedby=${err ? "auth-error" : undefined} />
      ${up ? html`<div class="hint">At least 8 characters.</div>` : null}</div>
    ${err ? html`<div class="error-box" role="alert" id="auth-error">${err}</div>` : null}
    <button type="submit" class="btn primary block" disabled=${busy}>${busy ? html`<span class="spinner" />` : null}${up ? "Create account" : "Sign in"}</button>
  </form>`;
}

/** AuthPage is /auth: sign in (or up), then back to ?next=. */
export function AuthPage({ query, health, session }) {
  useTitle("Sign in");
  const next = safeNext(query.get("next"));
  useEffect(() => { if (session) navigate(next, { replace: true }); }, [!!session]);
  return html`<${Frame}>
    <h1>Sign in to Paperclip</h1>
    <p class="lead">This instance runs in authenticated mode: sign in to reach your companies.</p>
    <${AuthForm} signUpDisabled=${health && health.signUpDisabled} onDone=${() => navigate(next, { replace: true })} />
    ${health && health.signUpDisabled ? html`<p class="muted small" style="margin:14px 0 0">Sign-up is disabled here: ask an admin for an invite.</p>` : null}
  </${Frame}>`;
}

/** SetupPage is /setup: waits (polling health every 2 s) until the first admin exists. */
export function SetupPage({ query }) {
  useTitle("Instance setup required");
  const [link, setLink] = useState("");
  const next = safeNext(query.get("next"));
  useEffect(() => {
    const t = setInterval(async () => {
      try {
        const h = await api.health();
        if (h.bootstrapStatus !== "bootstrap_pending") { clearInterval(t); setQueryData(["health"], h); invalidate("session", "companies"); navigate(next, { replace: true }); }
      } catch { /* the offline banner speaks */ }
    }, 2000);
    return () => clearInterval(t);
  }, []);
  const go = (e) => {
    e.preventDefault();
    const m = link.trim().match(/(?:^|\/invite\/)([A-Za-z0-9_-]{16,})\/?$/);
    if (m) navigate("/invite/" + m[1]);
  };
  return html`<${Frame} wide>
    <h1>Instance setup required</h1>
    <p class="lead">No one administers this Paperclip instance yet. The first admin joins with a one-time invite.</p>
    <ol class="setup-steps">
      <li>Find the invite link the server printed when it started (look for <code>/invite/pcp_bootstrap_…</code> in its log),
        or create a fresh one on the server machine:<pre class="mono small">paperclip auth bootstrap-ceo</pre></li>
      <li>Open the link, create your account and accept: you become the instance admin and owner of every company.</li>
    </ol>
    <form class="row" onSubmit=${go} style="margin-top:8px">
      <label class="sr-only" for="setup-link">Invite link</label>
      <input id="setup-link" class="input grow" placeholder="Paste the invite link" value=${link} onInput=${(e) => setLink(e.target.value)} />
      <button type="submit" class="btn" disabled=${!link.trim()}>Open invite</button></form>
    <p class="muted small setup-wait" role="status"><span class="spinner" aria-hidden="true" /> This page continues by itself once an admin exists.</p>
  </${Frame}>`;
}

function InviteTile({ inv }) {
  if (inv.companyLogoUrl) return html`<img class="tile lg" src=${inv.companyLogoUrl} alt="" />`;
  const name = inv.companyName || "Paperclip";
  return html`<span class="tile lg" style=${inv.companyBrandColor ? `background:${inv.companyBrandColor}` : ""} aria-hidden="true">${initials(name)}</span>`;
}

/** InvitePage is /invite/:token: who invites whom to what, then sign in and Accept. */
export function InvitePage({ token, health, session }) {
  const inv = useQuery(["invite", token], () => api.inviteSummary(token).catch((e) => (e.status === 404 ? null : Promise.reject(e))));
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [alreadyMember, setAlreadyMember] = useState(false);
  useTitle("Invitation");
  const i = inv.data;
  if (inv.data === undefined && !inv.error) return html`<${Frame}><div class="skeleton" /><div class="skeleton" style="width:60%" /></${Frame}>`;
  if (!i) {
    return html`<${Frame}><h1>Invitation</h1>
      <div class="error-box" role="alert">${inv.error ? inv.error.message : "This invite is no longer valid."}</div>
      <p class="muted small" style="margin:14px 0 0">Ask whoever sent it for a new one.${session ? html` <${Link} href="/">Go to Paperclip</${Link}>` : ""}</p></${Frame}>`;
  }
  const bootstrap = i.inviteType === "bootstrap_ceo";
  const humans = i.allowedJoinTypes === "human" || i.allowedJoinTypes === "both";
  const accept = async () => {
    setBusy(true);
    setErr(null);
    try {
      const r = await api.acceptInvite(token);
      // Fresh health first, so the gate does not bounce a new admin through /setup.
      setQueryData(["health"], await api.health());
      invalidate("session", "companies", "instanceAdmin");
      if (bootstrap || (r && r.bootstrapAccepted)) { navigate("/", { replace: true }); return; }
      const list = await api.listCompanies();
      const c = list.find((x) => x.id === i.companyId);
      navigate(c ? `/${c.issuePrefix}/dashboard` : "/", { replace: true });
    } catch (x) {
      if (x.status === 409) setAlreadyMember(true);
      setErr(x.message);
      setBusy(false);
    }
  };
  const who = i.invitedByUserName ? html`<strong>${i.invitedByUserName}</strong> invites you` : "You are invited";
  return html`<${Frame}>
    <div class="invite-head"><${InviteTile} inv=${i} />
      <div><h1>${bootstrap ? "Become the instance admin" : "Join " + (i.companyName || "a company")}</h1>
        <div class="muted">${bootstrap ? "This one-time invite makes you the administrator of this Paperclip instance." : html`${who} as <strong>${ROLES[i.humanRole] || i.humanRole || "member"}</strong>.`}</div></div></div>
    ${i.agentMessage ? html`<blockquote class="note">${i.agentMessage}</blockquote>` : null}
    ${!humans ? html`<div class="error-box" role="alert">This invite is for agents only: give its onboarding text to your agent.</div>`
      : !session ? html`<p class="muted small" style="margin:0 0 12px">Sign in or create an account to accept.</p>
        <${AuthForm} signUpDisabled=${health && health.signUpDisabled} initialMode="sign-up" onDone=${() => {}} />`
      : html`<p class="small" style="margin:0 0 14px">Signed in as <strong>${session.user.name}</strong> <span class="muted">(${session.user.email})</span>.</p>
        ${err ? html`<div class="error-box" role="alert" style="margin-bottom:12px">${err}</div>` : null}
        <div class="row">${alreadyMember ? html`<${Link} class="btn primary" href="/">Open Paperclip</${Link}>`
          : html`<button class="btn primary" data-action="accept" disabled=${busy} onClick=${accept}>${busy ? html`<span class="spinner" />` : null}Accept invite</button>`}
          <button class="btn ghost right" onClick=${async () => { await api.signOut().catch(() => {}); invalidate("session"); }}>Not you? Sign out</button></div>`}
    <p class="muted small" style="margin:16px 0 0">Expires ${new Date(i.expiresAt).toLocaleString()}.</p>
  </${Frame}>`;
}

/** NoCompanyPage greets a signed-in user who belongs to no company and cannot create one. */
export function NoCompanyPage({ session }) {
  useTitle("No company yet");
  return html`<${Frame}>
    <h1>No company yet</h1>
    <p class="lead">You are signed in as <strong>${session.user.name}</strong>, but no company has added you yet. Ask an owner to send you an invite link.</p>
    <button class="btn" data-action="sign-out" onClick=${async () => { await api.signOut().catch(() => {}); invalidate(); }}>Sign out</button>
  </${Frame}>`;
}
