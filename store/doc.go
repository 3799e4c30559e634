// Package store is the domain of Paperclip: entity types with their JSON shape, the rules
// that must hold for them, and the SQLite persistence that enforces those rules inside
// one transaction per use case.
//
// It is one package on purpose: a use case such as terminating an agent touches agents,
// issues, runs, wakeups and approvals in a single transaction, which separate packages
// could only share through exported plumbing. The flatness is kept readable by naming
// files after what they hold.
//
// # File scheme
//
//   - <domain>.go: types with their JSON tags, status constants, inputs with Validate,
//     and rules as plain functions without I/O (issue.go, issue_status.go).
//   - <domain>_sql.go: the scan function (one per entity, shared by single-row and list
//     reads through scanner) and the finders (issue_sql.go, agent_sql.go).
//   - <domain>_<usecase>.go: one large transaction and its helpers
//     (issue_checkout.go, agent_lifecycle.go, company_create.go), or one sub-resource of
//     the domain with its own small finders and writes (issue_comment.go).
//
// Infrastructure: store.go (Store, Open with its Options, migrations, CommitCount),
// tx.go (the write transaction), effects.go (the Publisher, Waker and RunStopper hooks,
// SetHooks, and the effects a Tx records and delivers after commit), sql.go (querier,
// scanner, queryAll, the conds WHERE builder), stmt_cache.go (the prepared statements
// of both pools), dialect_sqlite.go (every SQLite-only statement, including the search
// index's MATCH), error.go (the one Error type and driver-error translation), value.go
// (UUIDv7 ids, timestamps, Optional), actor.go (who acts, carried in the context),
// redact.go (secret redaction on read), inspect.go (read-only looks for doctor),
// limits.go (the input caps of docs/api-limits.md, checked by every Validate).
//
// # Authorization
//
// authorize.go is the one authorization home: every permission decision is a case of
// its decide function, reached from inside a transaction by tx.authorize (before the
// write) or from a handler that must refuse before reading a body by Store.Authorize
// and Store.Can. permission.go holds the permission keys and actorCan, the
// key-and-grant case decide falls back to. A new domain adds its rule as one case of decide (an Act* constant),
// never as a check in its own file or in server.
//
// # Naming
//
// Exported methods are use cases: each opens one transaction (s.write) or reads through
// the reader pool. Lists end every ORDER BY with an id tie-break in the timestamp's
// direction (created_at DESC, id DESC): ids are time-ordered UUIDv7, so rows stamped
// in the same millisecond keep their creation order. Finders are Find<X>ByID(ctx, id) for one row ("<X> not found"
// otherwise, never nil, nil), Find<X>s(ctx, <X>Filter) for lists that filter, and
// Find<Parent><X>s(ctx, parentID) for a sub-resource listed whole (FindIssueAttachments).
// Writes are Create<X>, Update<X>(ctx, id, <X>Patch), Delete<X>, or a verb
// (CheckoutIssue, PauseAgent). List reads go through queryAll with the entity's scan
// function; nobody writes a rows.Next loop.
//
// # Domains
//
//   - Companies: company.go (types, prefix rules, inputs), company_sql.go (scan,
//     finders, DeleteCompany), company_create.go, company_update.go (patch, branding,
//     archive cascade), membership.go (memberships, owner grants), bootstrap.go.
//   - People and access (authenticated mode): auth_user.go (users, scrypt password
//     hashes, profile, password change), auth_session.go (sign-up, sign-in, sessions
//     stored as token hashes with sliding expiry, pruning), board_key.go (board API
//     keys), invite.go (types, inputs), invite_sql.go (create, list, public summary,
//     revoke), invite_bootstrap.go (the first-admin invite), invite_accept.go
//     (accepting: bootstrap claim, human joins, agent join requests, role grants),
//     join_request.go (approve, reject, agent key claim), member.go (members, roles,
//     explicit grants), admin_user.go (instance admins, company access).
//   - Agents: agent.go (types, heartbeat policy), agent_input.go (create/patch
//     validation), agent_sql.go (scan, finders, org tree), agent_create.go (create and
//     hire), agent_update.go, agent_lifecycle.go (pause, resume, terminate, approve,
//     delete), agent_config.go (adapter config normalisation and redaction),
//     agent_key.go (API keys), agent_revision.go (config revisions, rollback),
//     agent_runtime.go (runtime state, task sessions, inbox, run refs for auth).
//   - Issues: issue.go (types, inputs), issue_status.go (the transition table),
//     issue_sql.go (scan, finders, label loading), issue_list.go (FindIssues),
//     issue_detail.go, issue_create.go, issue_update.go, issue_delete.go,
//     issue_checkout.go (checkout, release: conditional UPDATEs), issue_access.go (agent
//     write checks and locks), issue_relation.go (blockers, parents, close wakes).
//   - Issue sub-resources: issue_comment.go, issue_document.go, issue_attachment.go
//     (with asset.go for stored files), issue_read.go (read states), issue_feedback.go
//     (votes; feedback.go lists traces company-wide), issue_approval.go (links to
//     approvals), issue_run.go (runs of an issue), issue_heartbeat_context.go (the
//     compact view of an issue an agent's run starts from), label.go.
//   - Heartbeat runs: heartbeat_run.go (types, scan, finders, live runs, events),
//     heartbeat_run_create.go (CreateHeartbeatRun, what the runtime creates runs with),
//     wake.go (Wake, its reasons, and tx.wake); the runtime's use cases:
//     wakeup.go (EnqueueWake: the gates, coalescing, deferral), run_idle.go (the idle
//     check), run_claim.go (claim, start and spawn records), run_finish.go (FinishRun,
//     the agent's status after a run), run_cancel.go (cancel and settle), run_promote.go
//     (issue lock release, deferred promotion), run_event.go (run events, lost runs),
//     run_session.go (runtime totals, task sessions, session usage), run_sched.go
//     (what the scheduler lists: timers, queues, log housekeeping, wake payloads).
//   - Approvals: approval.go (types, inputs, the decision rules table), approval_sql.go
//     (scan, finders, create, comments), approval_decide.go (approve, reject, request
//     revision, resubmit: the cross-domain transaction that activates or rejects a hired
//     agent and wakes its requester). Hire approvals are filed in agent_create.go and
//     settled by agent lifecycle changes in agent_lifecycle.go; issue_approval.go links
//     approvals to issues.
//   - Goals and projects: goal.go (types, inputs), goal_sql.go (scan, finders, writes),
//     project.go (types, inputs), project_sql.go (scan, finders with goals and
//     workspaces), project_write.go (create, update, delete), project_workspace.go
//     (workspaces), governance_check.go (field checks their bodies share);
//     issue_create.go (resolveProjectAndGoal) links issues to them.
//   - Activity: activity.go (logActivity inside every mutation's transaction, the list,
//     manual entries). The Publisher of effects.go receives rows after commit.
//   - Backups: backup.go (files: naming, gzip, pruning, restore) over the snapshot and
//     checks in dialect_sqlite.go.
//   - Costs and budgets: cost.go (cost events: input, the insert transaction, spend
//     caches), cost_rollup.go (per-scope month and lifetime rollups the monthly figures
//     read), cost_report.go (summary, by-agent/-model/-project/-provider/-day, window
//     spend, issue rollup), budget.go (MonthWindow, policies, incidents, overview),
//     budget_policy.go (policy upserts and the budget PATCHes), budget_enforce.go (soft
//     and hard thresholds inside the cost-event transaction, pause and resume),
//     budget_incident.go (resolve), budget_gate.go (the invocation gate checkout and
//     wakes pass), budget_approval.go (the override approval).
//   - Secrets: secret.go (types, inputs, providers), secret_crypto.go (the master key,
//     AES-256-GCM material), secret_sql.go (create, list, update, rotate, delete,
//     usage), secret_env.go (env binding scan and ResolveRunEnv for run start);
//     agent_config.go checks secret refs on write.
//   - Oversight reads: dashboard.go (dashboard, sidebar badges), evaluation.go (review
//     queue, summary), instance_settings.go.
//   - Portability (company packages): portability.go (file map, paths, manifest
//     types), portability_render.go (YAML shapes, manifest -> files),
//     portability_parse.go (files -> manifest), portability_export.go and
//     portability_build.go (reading a company and selecting what travels),
//     portability_import.go and portability_plan.go (request, preview, collisions),
//     portability_apply*.go (the one import transaction), skill.go (company skills).
//
// # How effects leave a transaction
//
// There is one effect path. A comment that mentions an agent (issue_comment.go,
// commentWakes), an assignment (issue_update.go, updateWakes) or a closed blocker
// (issue_relation.go, closeWakes) calls tx.wake; every cascade that cancels runs (an
// issue cancelled, an agent paused or terminated, a company archived or deleted) calls
// tx.stopRun for each run; insertActivity keeps each activity row it wrote. These only
// record on the Tx. After the transaction commits, deliver (effects.go) hands them to
// the hooks given in Options (or once by SetHooks): activities to the Publisher (the
// live-events hub in server/live), run stops to the RunStopper, wakes to the Waker;
// the heartbeat scheduler (server/heartbeat) is the Waker and RunStopper and turns
// wakes into runs with EnqueueWake. Nothing is delivered for a transaction that
// rolls back, and no use case returns run ids for its caller to stop. Each commit also
// bumps CommitCount, which the backup loop reads to skip an unchanged database.
//
// # SQL dialect
//
// Queries are plain SQL with ? placeholders beside the code that scans them, written
// in the subset SQLite and PostgreSQL share. What only SQLite understands is in
// dialect_sqlite.go, so a PostgreSQL backend is a second dialect file plus its own
// migrations directory, not a rewrite.
//
// # Tests
//
// store/storetest opens real stores on temp files with a fixed Clock and builds
// fixtures (Company, Agent, Issue, Run) through the exported calls above; a new domain
// adds its builder there rather than raw INSERTs in its tests.
//
// upgrade_internal_test.go builds a populated database at every earlier schema version
// from testdata/upgrade/vNNNN.sql (raw SQL on purpose: the rows an old schema held) and
// upgrades it with Open; a migration that breaks the newest fixture adds one for the
// version before it. docs/durability.md states what a commit survives (Options.Synchronous).
package store
