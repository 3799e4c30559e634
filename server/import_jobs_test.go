package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// asyncBody is a new-company import of a small package with one agent.
func asyncBody(name string) map[string]any {
	return map[string]any{"source": inline(map[string]any{
		"COMPANY.md":           "---\nname: " + name + "\n---\n\nMade by an async import.\n",
		"agents/ceo/AGENTS.md": "---\nname: CEO\n---\n\nLead the company.\n",
	}), "target": map[string]any{"mode": "new_company"}}
}

// pollJob polls a job's status URL until it is no longer running, within a deadline.
func pollJob(t *testing.T, e *env, statusURL string, headers ...string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := e.do("GET", statusURL, nil, headers...)
		if r.Status != http.StatusOK {
			t.Fatalf("job status: %d %s", r.Status, r.Body)
		}
		body := r.JSON()
		if body["job"].(map[string]any)["status"] != "running" {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still running after the deadline: %s", r.Body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// accepted checks a 202 answer and returns its status URL.
func accepted(t *testing.T, r resp) (string, string) {
	t.Helper()
	if r.Status != http.StatusAccepted {
		t.Fatalf("async import: %d %s", r.Status, r.Body)
	}
	b := r.JSON()
	job, _ := b["job"].(map[string]any)
	id, _ := job["id"].(string)
	if !strings.HasPrefix(id, "import-") || job["status"] != "running" || b["retryAfterMs"] != float64(1000) ||
		b["statusUrl"] != "/api/companies/import/jobs/"+id {
		t.Fatalf("202 body: %s", r.Body)
	}
	return id, b["statusUrl"].(string)
}

// holdImports makes every async import of e wait inside its transaction until
// release is closed or the job is cancelled; entered receives once per job.
func holdImports(e *env) (entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 8), make(chan struct{})
	e.app.SetImportHold(func(ctx context.Context) error {
		entered <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	return entered, release
}

func waitEntered(t *testing.T, entered chan struct{}) {
	t.Helper()
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the import job never reached its transaction")
	}
}

// startHeld starts an async import of a new company name and waits until its job is
// held inside its transaction.
func startHeld(t *testing.T, e *env, name string) (entered, release chan struct{}, id, statusURL string) {
	t.Helper()
	entered, release = holdImports(e)
	id, statusURL = accepted(t, e.do("POST", "/api/companies/import?async=1", asyncBody(name)))
	waitEntered(t, entered)
	return entered, release, id, statusURL
}

// TestAsyncImportSucceeds: 202 at once, the job reaches succeeded with the same body
// the synchronous import returns, the company is there over the API, and the
// finished job expires after an hour.
func TestAsyncImportSucceeds(t *testing.T) {
	e := newEnv(t)
	id, statusURL := accepted(t, e.do("POST", "/api/companies/import?async=1", asyncBody("Async Co")))
	done := pollJob(t, e, statusURL)
	job := done["job"].(map[string]any)
	if job["status"] != "succeeded" || job["id"] != id || job["completedAt"] == nil || job["error"] != nil || done["retryAfterMs"] != nil {
		t.Fatalf("finished job: %v", done)
	}
	res := job["importResult"].(map[string]any)
	company := res["company"].(map[string]any)
	if company["action"] != "created" || company["name"] != "Async Co" || len(res["agents"].([]any)) != 1 {
		t.Fatalf("import result: %v", res)
	}
	sum := job["result"].(map[string]any)
	if sum["companyId"] != company["id"] || sum["agentCount"] != float64(1) || sum["companyAction"] != "created" {
		t.Errorf("summary: %v", sum)
	}
	cid := company["id"].(string)
	if c := e.do("GET", "/api/companies/"+cid, nil); c.Status != 200 || c.JSON()["name"] != "Async Co" {
		t.Fatalf("imported company: %d %s", c.Status, c.Body)
	}
	if agents := e.do("GET", "/api/companies/"+cid+"/agents", nil).List(); len(agents) != 1 || agents[0]["name"] != "CEO" {
		t.Fatalf("imported agents: %v", agents)
	}
	if r := e.do("GET", "/api/companies/import/jobs/import-unknown", nil); r.Status != 404 || r.JSON()["error"] != "Import job not found" {
		t.Errorf("unknown job: %d %s", r.Status, r.Body)
	}
	e.clock.advance(59 * time.Minute)
	if r := e.do("GET", statusURL, nil); r.Status != 200 {
		t.Fatalf("job gone before its hour: %d %s", r.Status, r.Body)
	}
	e.clock.advance(61 * time.Minute)
	if r := e.do("GET", statusURL, nil); r.Status != 404 || r.JSON()["error"] != "Import job not found" {
		t.Fatalf("expired job: %d %s", r.Status, r.Body)
	}
}

// TestAsyncImportFailures: what the synchronous route refuses before working is
// still refused at once with its 4xx; a package whose plan has errors becomes a
// failed job carrying the synchronous route's error, and writes nothing.
func TestAsyncImportFailures(t *testing.T) {
	e := newEnv(t)
	bad := asyncBody("Bad Co")
	bad["collisionStrategy"] = "merge"
	noCompany := map[string]any{"source": inline(map[string]any{"agents/a/AGENTS.md": "hi"}), "target": map[string]any{"mode": "new_company"}}
	e.run(t, []scenario{
		{"bad body", "POST", "/api/companies/import?async=1", bad, nil, 400, []string{"Validation error"}},
		{"not json", "POST", "/api/companies/import?async=1", "{", nil, 400, nil},
		{"no COMPANY.md", "POST", "/api/companies/import?async=1", noCompany, nil, 422, []string{"Not a company package (COMPANY.md missing)"}},
		{"unknown target", "POST", "/api/companies/import?async=1", map[string]any{"source": inline(map[string]any{"COMPANY.md": "---\nname: X\n---\n"}),
			"target": map[string]any{"mode": "existing_company", "companyId": "00000000-0000-4000-8000-000000000000"}}, nil, 404, nil},
	})
	planErrors := map[string]any{"source": inline(map[string]any{"COMPANY.md": "---\nname: Broken\n---\n",
		"agents/x/AGENTS.md": "---\nname: X\n---\n", ".paperclip.yaml": "schema: paperclip/v1\nschemaVersion: 1\nagents:\n  x: {role: overlord}\n"}),
		"target": map[string]any{"mode": "new_company"}}
	sync := e.do("POST", "/api/companies/import", planErrors)
	if sync.Status != 422 {
		t.Fatalf("sync import of a broken package: %d %s", sync.Status, sync.Body)
	}
	_, statusURL := accepted(t, e.do("POST", "/api/companies/import?async=1", planErrors))
	done := pollJob(t, e, statusURL)
	job := done["job"].(map[string]any)
	jerr, _ := job["error"].(map[string]any)
	if job["status"] != "failed" || jerr["message"] != sync.JSON()["error"] || done["error"] != "Import package has errors" ||
		job["importResult"] != nil || job["result"] != nil {
		t.Fatalf("failed job: %v", done)
	}
	if errs, _ := jerr["details"].(map[string]any)["errors"].([]any); len(errs) == 0 {
		t.Errorf("failed job lacks the plan errors: %v", jerr)
	}
	if n := companyCount(t, e); n != 0 {
		t.Fatalf("a failed import left %d companies", n)
	}
}

// TestAsyncImportSecondIsConflict: while the first job is held inside its
// transaction, the same import again is 409 pointing at the running job, another
// import is 409 without one, and neither starts a second apply.
func TestAsyncImportSecondIsConflict(t *testing.T) {
	e := newEnv(t)
	entered, release, id, statusURL := startHeld(t, e, "First Co")

	dup := e.do("POST", "/api/companies/import?async=1", asyncBody("First Co"))
	if dup.Status != http.StatusConflict || dup.JSON()["statusUrl"] != statusURL || dup.JSON()["job"].(map[string]any)["id"] != id ||
		dup.JSON()["error"] != "An import is already running for this account" {
		t.Fatalf("duplicate submit: %d %s", dup.Status, dup.Body)
	}
	other := e.do("POST", "/api/companies/import?async=1", asyncBody("Other Co"))
	if other.Status != http.StatusConflict || other.JSON()["job"] != nil || !strings.Contains(other.JSON()["error"].(string), "different import is already running") {
		t.Fatalf("different import: %d %s", other.Status, other.Body)
	}
	if r := e.do("GET", statusURL, nil); r.JSON()["job"].(map[string]any)["status"] != "running" || r.JSON()["retryAfterMs"] != float64(1000) {
		t.Fatalf("held job: %s", r.Body)
	}
	select {
	case <-entered:
		t.Fatal("a refused import started an apply")
	default:
	}
	close(release)
	if done := pollJob(t, e, statusURL); done["job"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("released job: %v", done)
	}
	if n := companyCount(t, e); n != 1 {
		t.Fatalf("%d companies after one import", n)
	}
	// A finished job no longer blocks the next import.
	_, next := accepted(t, e.do("POST", "/api/companies/import?async=1", asyncBody("Other Co")))
	waitEntered(t, entered)
	if done := pollJob(t, e, next); done["job"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("next job: %v", done)
	}
}

// TestAsyncImportShutdownRollsBack: closing the server while a job is inside its
// transaction cancels it, waits for its goroutine, and leaves no company, no agent
// instructions on disk, and a failed job; later imports are refused.
func TestAsyncImportShutdownRollsBack(t *testing.T) {
	e := newEnv(t)
	_, _, _, statusURL := startHeld(t, e, "Halfway Co")

	e.app.Close()
	// Close has waited for the job; its goroutine may still be on its last return
	// instruction after signalling, so give it a bounded moment to be gone.
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); ; {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "importJobs).run") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("an import job goroutine outlived Close:\n%s", stacks)
		}
		runtime.Gosched()
	}
	r := e.do("GET", statusURL, nil)
	job := r.JSON()["job"].(map[string]any)
	if job["status"] != "failed" || !strings.Contains(r.JSON()["error"].(string), "server shut down") {
		t.Fatalf("cancelled job: %d %s", r.Status, r.Body)
	}
	if n := companyCount(t, e); n != 0 {
		t.Fatalf("a cancelled import left %d companies", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(e.cfg.InstanceDir, "data", "agents")); len(entries) != 0 {
		t.Fatalf("a cancelled import left agent files: %v", entries)
	}
	if r := e.do("POST", "/api/companies/import?async=1", asyncBody("Late Co")); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("import after Close: %d %s", r.Status, r.Body)
	}
}

// TestAsyncImportJobIsTheCreatorsOnly: in authenticated mode a job is readable by
// the user who started it alone; everyone else gets the unknown-job 404, and agents
// the board-only 403. The target rules apply before a job exists.
func TestAsyncImportJobIsTheCreatorsOnly(t *testing.T) {
	e := newAuthEnv(t)
	admin, _ := e.bootstrapAdmin()
	ca := e.company(admin, "Alpha")
	alice, _ := e.join(admin, ca, "owner", "Alice", "alice@example.com")

	_, adminJob := accepted(t, e.req("POST", "/api/companies/import?async=1", asyncBody("Admin Co"), as(admin)...))
	if done := pollJob(t, e.env, adminJob, as(admin)...); done["job"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("admin job: %v", done)
	}
	if r := e.req("GET", adminJob, nil, as(alice)...); r.Status != 404 || r.JSON()["error"] != "Import job not found" {
		t.Fatalf("another user's job: %d %s", r.Status, r.Body)
	}
	if r := e.req("POST", "/api/companies/import?async=1", asyncBody("Alice Co"), as(alice)...); r.Status != 403 ||
		!strings.Contains(r.JSON()["error"].(string), "Instance admin") {
		t.Fatalf("new company by a non-admin: %d %s", r.Status, r.Body)
	}
	into := map[string]any{"source": inline(map[string]any{"COMPANY.md": "---\nname: Extra\n---\n",
		"agents/helper/AGENTS.md": "---\nname: Helper\n---\n\nHelp.\n"}),
		"include": map[string]any{"company": false}, "target": map[string]any{"mode": "existing_company", "companyId": ca}}
	_, aliceJob := accepted(t, e.req("POST", "/api/companies/import?async=1", into, as(alice)...))
	if r := e.req("GET", aliceJob, nil, as(admin)...); r.Status != 404 {
		t.Fatalf("admin reads alice's job: %d %s", r.Status, r.Body)
	}
	if done := pollJob(t, e.env, aliceJob, as(alice)...); done["job"].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("alice job: %v", done)
	}
	ag := e.req("POST", "/api/companies/"+ca+"/agents", map[string]any{"name": "Bot", "role": "ceo"}, as(admin)...).JSON()
	key := e.req("POST", "/api/agents/"+ag["id"].(string)+"/keys", map[string]any{"name": "k"}, as(admin)...).JSON()
	if r := e.req("GET", aliceJob, nil, bearer(key["token"].(string))...); r.Status != 403 {
		t.Fatalf("agent reads a job: %d %s", r.Status, r.Body)
	}
}
