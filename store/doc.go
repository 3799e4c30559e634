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
// Infrastructure: store.go (Store, Open, migrations), tx.go (the write transaction and
// the effects it delivers after commit), sql.go (querier, scanner, queryAll, the conds
// WHERE builder), dialect_sqlite.go (every SQLite-only statement), error.go (the one
// Error type and driver-error translation), value.go (ids, timestamps, Optional),
// actor.go (who acts, carried in the context), permission.go (permission decisions),
// redact.go (secret redaction on read), inspect.go (read-only looks for doctor).
//
// # Naming
//
// Exported methods are use cases: each opens one transaction (s.write) or reads through
// the reader pool. Finders are Find<X>ByID(ctx, id) for one row ("<X> not found"
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
//     approvals), issue_run.go (runs of an issue), label.go.
//   - Heartbeat runs: heartbeat_run.go (types, scan, finders, live runs, events),
//     heartbeat_run_create.go (CreateHeartbeatRun, what the runtime creates runs with),
//     wake.go (Wake, the Waker and RunStopper seams).
//   - Activity: activity.go (logActivity inside every mutation's transaction, the list,
//     manual entries). The Publisher in store.go receives rows after commit.
//   - Backups: backup.go (files: naming, gzip, pruning, restore) over the snapshot and
//     checks in dialect_sqlite.go.
//
// Where the coming domains go, following the same scheme:
//
//   - Approvals: approval.go (types, decision rules), approval_sql.go,
//     approval_decide.go (approve, reject, revise: the cross-domain transaction that
//     activates a hired agent). Hire approvals are created in agent_create.go and
//     settled in agent_lifecycle.go today; issue_approval.go links them to issues.
//   - Goals and projects: goal.go, goal_sql.go, project.go, project_sql.go;
//     issue_create.go (resolveProjectAndGoal, defaultGoal) already reads them.
//   - Costs and budgets: cost.go and cost_sql.go (cost events, summaries), budget.go
//     (MonthWindow and the monthly policy upsert live there already),
//     budget_enforce.go (the pause-on-overspend transaction).
//   - Secrets: secret.go, secret_sql.go, secret_crypto.go; agent_config.go resolves
//     secret refs in adapter env, inspect.go counts secrets for doctor.
//   - Heartbeat runs for the runtime: run status changes as
//     heartbeat_run_<usecase>.go (claim, finish), run events beside them.
//
// # How a wake travels
//
// A comment that mentions an agent (issue_comment.go, commentWakes), an assignment
// (issue_update.go, updateWakes) or a closed blocker (issue_relation.go, closeWakes)
// calls tx.wake, which only records the Wake on the Tx. After the transaction commits,
// tx.go delivers each recorded effect (activity to the Publisher, run stops, wakes to
// the Waker); the scheduler in server/heartbeat is that Waker and turns the wake into a
// run with CreateHeartbeatRun. Nothing is delivered for a transaction that rolls back.
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
package store
