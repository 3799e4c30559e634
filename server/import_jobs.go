package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"paperclip/store"
)

// Async imports: POST /api/companies/import?async=1 answers 202 at once and runs the
// same one-transaction apply on a goroutine the server owns; the creator polls
// GET /api/companies/import/jobs/{jobId}. A long import then survives a proxy that
// cuts slow requests. Jobs live in memory only (a restart forgets them, and the
// status route answers 404 like for any unknown id).

// Import job statuses; upstream has no queued state, a job runs as soon as it exists.
const (
	importJobRunning   = "running"
	importJobSucceeded = "succeeded"
	importJobFailed    = "failed"
)

const (
	// importJobRetention is how long a finished job stays readable: long enough for a
	// user who walked away during a long import to come back and see its result.
	importJobRetention = time.Hour
	// importJobCap bounds the registry; the oldest finished job makes room first.
	importJobCap = 100
	// importJobRetryAfterMs is the poll interval suggested to clients.
	importJobRetryAfterMs = 1000
)

// importJob is one async import. Its fields change only under importJobs.mu.
type importJob struct {
	id        string
	owner     string // the creating board user; the only one who may read the job
	signature string // hash of the import body, to tell a resubmit from another import
	status    string
	created   time.Time
	updated   time.Time
	completed time.Time
	result    *store.ImportResult
	failure   *errorBody
}

// importJobs is the server's registry of async imports. Every job goroutine runs
// under ctx and is counted in wg, so close can cancel and wait for all of them.
type importJobs struct {
	now    func() time.Time
	logger *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
	jobs   map[string]*importJob
}

func newImportJobs(now func() time.Time, logger *slog.Logger) *importJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &importJobs{now: now, logger: logger, ctx: ctx, cancel: cancel, jobs: map[string]*importJob{}}
}

// errImportsClosed refuses new jobs once the server is shutting down.
var errImportsClosed = errors.New("server is shutting down")

// importConflict is the 409 of a second import while the owner's first still runs.
// job is that running job when the body is the same (the client adopts it), nil
// for a different import (nothing to adopt).
type importConflict struct{ job *importJob }

func (c *importConflict) Error() string { return "an import is already running" }

// start registers a running job for owner and runs apply on its own goroutine with
// ctx carrying actor and the registry's cancellation.
func (j *importJobs) start(owner, signature string, actor store.Actor, apply func(ctx context.Context) (store.ImportResult, error)) (importJob, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return importJob{}, errImportsClosed
	}
	now := j.now()
	j.prune(now)
	for _, job := range j.jobs {
		if job.owner == owner && job.status == importJobRunning {
			if job.signature == signature {
				return importJob{}, &importConflict{job: copyJob(job)}
			}
			return importJob{}, &importConflict{}
		}
	}
	if len(j.jobs) >= importJobCap && !j.evictOldestFinished() {
		return importJob{}, errorf(store.ETOOMANY, "Too many import jobs are running; try again later")
	}
	job := &importJob{id: "import-" + store.NewID(), owner: owner, signature: signature, status: importJobRunning, created: now, updated: now}
	j.jobs[job.id] = job
	j.wg.Add(1)
	go j.run(job, store.NewContextWithActor(j.ctx, actor), apply)
	return *copyJob(job), nil
}

// run executes one job and records its outcome; a panic fails the job instead of
// taking the server down.
func (j *importJobs) run(job *importJob, ctx context.Context, apply func(context.Context) (store.ImportResult, error)) {
	defer j.wg.Done()
	var res store.ImportResult
	err := errors.New("import panicked")
	func() {
		defer func() {
			if p := recover(); p != nil {
				j.logger.Error("import job panicked", "job", job.id, "panic", fmt.Sprint(p))
			}
		}()
		res, err = apply(ctx)
	}()
	j.finish(job, res, err, ctx.Err() != nil)
}

func (j *importJobs) finish(job *importJob, res store.ImportResult, err error, cancelled bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	job.updated, job.completed = now, now
	if err == nil {
		job.status, job.result = importJobSucceeded, &res
		return
	}
	job.status = importJobFailed
	var e *store.Error
	switch {
	case errors.As(err, &e):
		job.failure = &errorBody{Error: e.Message, Code: e.Tag, Details: e.Details}
	case cancelled:
		job.failure = &errorBody{Error: "Import cancelled: the server shut down before it finished"}
	default:
		// As on the synchronous route: the detail goes to the log, not the caller.
		j.logger.Error("import job failed", "job", job.id, "error", err.Error())
		job.failure = &errorBody{Error: "Internal server error"}
	}
}

// get returns a copy of owner's job id; another user's job is as unknown as a
// missing one, so ids cannot be probed.
func (j *importJobs) get(owner, id string) (importJob, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.prune(j.now())
	job, ok := j.jobs[id]
	if !ok || job.owner != owner {
		return importJob{}, false
	}
	return *copyJob(job), true
}

// prune drops finished jobs older than the retention. Called under mu.
func (j *importJobs) prune(now time.Time) {
	for id, job := range j.jobs {
		if job.status != importJobRunning && now.Sub(job.completed) > importJobRetention {
			delete(j.jobs, id)
		}
	}
}

// evictOldestFinished drops the finished job completed first; false when every job
// is still running. Called under mu.
func (j *importJobs) evictOldestFinished() bool {
	var oldest *importJob
	for _, job := range j.jobs {
		if job.status != importJobRunning && (oldest == nil || job.completed.Before(oldest.completed)) {
			oldest = job
		}
	}
	if oldest == nil {
		return false
	}
	delete(j.jobs, oldest.id)
	return true
}

// close refuses new jobs, cancels the running ones (their transactions roll back)
// and waits until every job goroutine has returned. Calling it again is a no-op.
func (j *importJobs) close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
	j.wg.Wait()
}

func copyJob(job *importJob) *importJob { c := *job; return &c }

// Close stops what the server runs on its own beside requests: running import jobs
// are cancelled, their transactions rolled back, and waited for. Call it once the
// HTTP server no longer hands it requests and before the store is closed.
func (s *Server) Close() { s.imports.close() }

// importJobOwner is who a job belongs to: the board user behind the request.
func importJobOwner(r *http.Request) string {
	if a := actorOf(r); a.UserID != "" {
		return a.UserID
	}
	return store.LocalBoardUserID
}

// importSignature fingerprints a decoded import body, so the same import sent twice
// is recognised whichever transport (JSON, zip, multipart) carried it.
func importSignature(in store.ImportInput) string {
	h := sha256.New()
	json.NewEncoder(h).Encode(in)
	return hex.EncodeToString(h.Sum(nil))
}

func importJobStatusURL(id string) string {
	return "/api/companies/import/jobs/" + url.PathEscape(id)
}

// jobRef is the {id, status} of a job in the 202 and 409 answers.
type jobRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type jobAccepted struct {
	Error        string `json:"error,omitempty"`
	Job          jobRef `json:"job"`
	StatusURL    string `json:"statusUrl"`
	RetryAfterMs int    `json:"retryAfterMs"`
}

// startImportJob answers an async import: 202 with the job, or 409 while the same
// user's earlier import still runs. The body was decoded and checked already, so
// every 4xx the synchronous route gives before working is given here too.
func (s *Server) startImportJob(w http.ResponseWriter, r *http.Request, key *store.SecretKey, in store.ImportInput) {
	if _, _, _, err := store.ParseImportPackage(in); err != nil {
		s.writeError(w, r, err)
		return
	}
	sig := importSignature(in)
	if hold := s.importHold.Load(); hold != nil {
		in.BeforeCommit = *hold
	}
	job, err := s.imports.start(importJobOwner(r), sig, actorOf(r), func(ctx context.Context) (store.ImportResult, error) {
		return s.store.ApplyImport(ctx, key, in)
	})
	var conflict *importConflict
	switch {
	case errors.As(err, &conflict) && conflict.job != nil:
		writeJSON(w, http.StatusConflict, jobAccepted{Error: "An import is already running for this account",
			Job: jobRef{conflict.job.id, conflict.job.status}, StatusURL: importJobStatusURL(conflict.job.id), RetryAfterMs: importJobRetryAfterMs})
	case errors.As(err, &conflict):
		writeJSON(w, http.StatusConflict, errorBody{Error: "A different import is already running for this account. Wait for it to finish before starting another."})
	case errors.Is(err, errImportsClosed):
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "Server is shutting down"})
	case err != nil:
		s.writeError(w, r, err)
	default:
		writeJSON(w, http.StatusAccepted, jobAccepted{Job: jobRef{job.id, job.status}, StatusURL: importJobStatusURL(job.id), RetryAfterMs: importJobRetryAfterMs})
	}
}

// importJobSummary is the short result every finished job carries.
type importJobSummary struct {
	CompanyID     string `json:"companyId"`
	AgentCount    int    `json:"agentCount"`
	WarningCount  int    `json:"warningCount"`
	CompanyAction string `json:"companyAction"`
}

type jobFailure struct {
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
	Details any    `json:"details,omitempty"`
}

type jobDetail struct {
	ID           string              `json:"id"`
	Status       string              `json:"status"`
	CreatedAt    string              `json:"createdAt"`
	UpdatedAt    string              `json:"updatedAt"`
	CompletedAt  string              `json:"completedAt,omitempty"`
	Error        *jobFailure         `json:"error,omitempty"`
	Result       *importJobSummary   `json:"result,omitempty"`
	ImportResult *store.ImportResult `json:"importResult,omitempty"`
}

// jobStatus is the status route's body. A failed job also carries its message at
// the top level as error (and message, reason, as upstream clients read them).
type jobStatus struct {
	Job          jobDetail `json:"job"`
	RetryAfterMs int       `json:"retryAfterMs,omitempty"`
	Error        string    `json:"error,omitempty"`
	Message      string    `json:"message,omitempty"`
	Reason       string    `json:"reason,omitempty"`
}

func (job importJob) body() jobStatus {
	d := jobDetail{ID: job.id, Status: job.status, CreatedAt: store.FormatTime(job.created), UpdatedAt: store.FormatTime(job.updated)}
	out := jobStatus{}
	if job.status == importJobRunning {
		out.RetryAfterMs = importJobRetryAfterMs
	} else {
		d.CompletedAt = store.FormatTime(job.completed)
	}
	if res := job.result; res != nil {
		d.ImportResult = res
		d.Result = &importJobSummary{CompanyID: res.Company.ID, AgentCount: len(res.Agents), WarningCount: len(res.Warnings), CompanyAction: res.Company.Action}
	}
	if f := job.failure; f != nil {
		d.Error = &jobFailure{Message: f.Error, Code: f.Code, Details: f.Details}
		out.Error, out.Message, out.Reason = f.Error, f.Error, f.Error
	}
	out.Job = d
	return out
}

func (s *Server) handleImportJob(w http.ResponseWriter, r *http.Request) {
	job, ok := s.imports.get(importJobOwner(r), mux.Vars(r)["jobId"])
	if !ok {
		s.writeError(w, r, store.NotFound("Import job"))
		return
	}
	writeJSON(w, http.StatusOK, job.body())
}
