package heartbeat

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"paperclip/server/runjwt"
	"paperclip/store"
)

// Config is how the runtime runs, resolved by the cli.
type Config struct {
	// RunLogDir holds the NDJSON run logs; InstanceDir the agents' home workspaces.
	RunLogDir   string
	InstanceDir string
	// TimersEnabled turns the timer loop on (heartbeat.schedulerEnabled); wakes from
	// events and the API run either way.
	TimersEnabled bool
	// TickInterval is the scheduler tick (default 30 s).
	TickInterval time.Duration
	// DefaultTimeout bounds runs whose adapter sets timeoutSec 0; zero is none.
	DefaultTimeout time.Duration
	// RunLogMaxBytes caps one run's log; RunLogRetentionDays and RunLogMaxTotalBytes
	// bound the whole directory (daily housekeeping).
	RunLogMaxBytes      int64
	RunLogRetentionDays int
	RunLogMaxTotalBytes int64
	// MaxWorkers bounds the runs executing at once in this instance (default 16).
	MaxWorkers int
	// APIURL is the origin agents call back (PAPERCLIP_API_URL).
	APIURL string
	// JWT signs the run JWTs.
	JWT runjwt.Config
	// ServerEnv is the server's environment (os.Environ at the caller), filtered by
	// BuildEnv; ChildEnv are the instance .env variables passed to children.
	ServerEnv []string
	ChildEnv  map[string]string
	// ShutdownGrace bounds how long live runs get to stop on shutdown (default 10 s).
	ShutdownGrace time.Duration
	// SkillMD is the embedded agent skill.
	SkillMD []byte
	// Now is the clock of timer decisions; nil is the wall clock.
	Now func() time.Time
	// OSUser is the account the server runs as. The runtime never cuts run output
	// (chunks, excerpts, tails) inside its name or home, so that the server's
	// censorUsernameInLogs, applied when output is read, always sees them whole.
	OSUser OSUser
}

// Scheduler is the heartbeat runtime of one instance: it turns wakes into runs, claims
// them within per-agent and instance limits, supervises their execution, recovers runs
// lost to a crash, and keeps the run-log directory bounded. It is the store's Waker and
// RunStopper. Run is its only goroutine owner.
type Scheduler struct {
	cfg      Config
	store    *store.Store
	adapters *Registry
	events   Events
	env      EnvResolver
	logger   *slog.Logger
	censor   *Censor

	mu       sync.Mutex
	active   map[string]*activeRun
	agentMu  map[string]*sync.Mutex
	runCtx   context.Context
	stopping bool
	wg       sync.WaitGroup

	kick    chan string
	workers chan struct{}
	lastDay string
}

// activeRun is the in-memory handle of an executing run.
type activeRun struct {
	cancel   context.CancelFunc
	shutdown bool
	pgid     int
	grace    time.Duration
	done     chan struct{}
}

// New builds a scheduler. events and env may be nil (no live events; plain env only).
func New(cfg Config, st *store.Store, adapters *Registry, events Events, env EnvResolver, logger *slog.Logger) *Scheduler {
	if cfg.TickInterval <= 0 {
		cfg.TickInterval = 30 * time.Second
	}
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 16
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 10 * time.Second
	}
	if cfg.RunLogRetentionDays <= 0 {
		cfg.RunLogRetentionDays = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if events == nil {
		events = NopEvents{}
	}
	if env == nil {
		env = PlainEnv{Store: st}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg, store: st, adapters: adapters, events: events, env: env, logger: logger, censor: NewCensor(cfg.OSUser),
		active: map[string]*activeRun{}, agentMu: map[string]*sync.Mutex{}, kick: make(chan string, 256),
		workers: make(chan struct{}, cfg.MaxWorkers)}
}

// Run is the scheduler as a server component: boot recovery, then queued runs, then
// the tick loop and wake handling until ctx ends, when every live run is stopped
// (SIGTERM, SIGKILL after the grace) and recorded as lost, to be retried at next start.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	s.runCtx, s.stopping = runCtx, false
	s.mu.Unlock()

	s.Recover(ctx)
	s.resumeQueued()
	ticker := time.NewTicker(s.cfg.TickInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			s.shutdown()
			return nil
		case agentID := <-s.kick:
			if agentID == "" {
				s.resumeQueued()
			} else {
				s.startNext(agentID)
			}
		case <-ticker.C:
			s.tick()
		}
	}
}

// tick is one scheduler pass (runtime.md §3.2).
func (s *Scheduler) tick() {
	if s.cfg.TimersEnabled {
		s.tickTimers()
	}
	s.reapOrphans(false)
	s.resumeQueued()
	if day := s.cfg.Now().UTC().Format("2006-01-02"); day != s.lastDay {
		s.lastDay = day
		s.Housekeep(context.Background())
	}
}

// Wakeup is the one entry point of every trigger (runtime.md §3): it enqueues, then
// publishes a new run and asks the loop to start the agent's next run.
func (s *Scheduler) Wakeup(ctx context.Context, req store.WakeRequest) (store.WakeOutcome, error) {
	out, err := s.store.EnqueueWake(ctx, req)
	if err != nil {
		return out, err
	}
	if out.Run != nil && out.Created {
		s.events.RunQueued(*out.Run)
		s.Kick(req.AgentID)
	}
	return out, nil
}

// Kick asks the loop to start an agent's queued runs; it never blocks. An empty id
// means every agent's.
func (s *Scheduler) Kick(agentID string) {
	select {
	case s.kick <- agentID:
	default:
		// The loop is behind; the next tick resumes every queued run anyway.
	}
}

// Wake is the store's after-commit hook for issue events: an internal trigger, so a
// refusal is recorded as a skipped wakeup and logged, never surfaced.
func (s *Scheduler) Wake(w store.Wake) {
	reason := w.Reason
	req := store.WakeRequest{AgentID: w.AgentID, Source: w.Source, TriggerDetail: "system", Reason: &reason,
		Payload: w.Payload, RequestedByActorType: w.RequestedByActorType, RequestedByActorID: w.RequestedByActorID}
	if w.CommentID != "" {
		req.Context = map[string]any{"wakeCommentId": w.CommentID, "commentId": w.CommentID}
	}
	ctx := store.NewContextWithActor(context.Background(), store.SystemActor("heartbeat_runtime"))
	out, err := s.Wakeup(ctx, req)
	switch {
	case err != nil:
		s.logger.Warn("wake failed", "agent_id", w.AgentID, "reason", w.Reason, "error", err.Error())
	case out.Skip != nil:
		s.logger.Debug("wake skipped", "agent_id", w.AgentID, "reason", w.Reason, "skip", out.Skip.Reason)
	}
}

// StopRun is the store's hook for runs a transaction cancelled: a running process is
// stopped; a run nobody executes is settled (deferred wakes promoted, agent idle).
func (s *Scheduler) StopRun(runID string) {
	if s.signal(runID, false) {
		return
	}
	settled, err := s.store.SettleCancelledRun(context.Background(), runID)
	if err != nil {
		s.logger.Warn("settle cancelled run failed", "run_id", runID, "error", err.Error())
		return
	}
	s.publishSettled(settled)
}

// Cancel is POST /api/heartbeat-runs/{id}/cancel: a terminal run is returned as it is;
// a live one is cancelled and its process stopped with the adapter's grace.
func (s *Scheduler) Cancel(ctx context.Context, runID, reason string) (store.HeartbeatRun, error) {
	settled, err := s.store.CancelRun(ctx, runID, reason)
	if err != nil {
		return settled.Run, err
	}
	if !store.IsTerminalRunStatus(settled.Run.Status) || len(settled.Events) == 0 {
		return settled.Run, nil
	}
	s.publishSettled(settled)
	if settled.WasRunning && !s.signal(runID, false) {
		// No handle: a process this server did not start (boot recovery stops those, so
		// this is rare); stop it by its recorded group.
		if ex, err := s.store.FindRunExecution(ctx, runID); err == nil && ex.ProcessGroupID != nil {
			StopGroup(int(*ex.ProcessGroupID), 2*time.Second)
		}
	}
	s.Kick(settled.Run.AgentID)
	return settled.Run, nil
}

// signal stops an executing run through its handle; it reports whether one existed.
func (s *Scheduler) signal(runID string, shutdown bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.active[runID]
	if h == nil {
		return false
	}
	h.shutdown = h.shutdown || shutdown
	h.cancel()
	return true
}

// publishSettled publishes the effects of a status change the store settled.
func (s *Scheduler) publishSettled(st store.RunSettled) {
	for _, ev := range st.Events {
		s.events.RunEvent(ev)
	}
	if st.Run.ID != "" {
		s.events.RunStatus(st.Run)
	}
	if st.Agent != nil {
		outcome := st.Run.Status
		s.events.AgentStatus(*st.Agent, &outcome)
	}
	for _, r := range st.Promoted {
		s.events.RunQueued(r)
		s.Kick(r.AgentID)
	}
}

// agentLock serialises startNext per agent.
func (s *Scheduler) agentLock(agentID string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.agentMu[agentID]
	if m == nil {
		m = &sync.Mutex{}
		s.agentMu[agentID] = m
	}
	return m
}

// startNext claims an agent's queued runs, FIFO, while it has free slots under
// maxConcurrentRuns and the instance has free workers (runtime.md §5).
func (s *Scheduler) startNext(agentID string) {
	m := s.agentLock(agentID)
	m.Lock()
	defer m.Unlock()
	ctx := context.Background()
	a, err := s.store.FindAgentByID(ctx, agentID)
	if err != nil {
		return
	}
	switch a.Status {
	case store.AgentPaused, store.AgentTerminated, store.AgentPendingApproval:
		return
	}
	running, err := s.store.CountRunningRuns(ctx, agentID)
	if err != nil {
		s.logger.Warn("count running runs failed", "agent_id", agentID, "error", err.Error())
		return
	}
	slots := int(a.Heartbeat().MaxConcurrentRuns) - running
	if slots <= 0 {
		return
	}
	ids, err := s.store.FindQueuedRunIDs(ctx, agentID)
	if err != nil {
		s.logger.Warn("list queued runs failed", "agent_id", agentID, "error", err.Error())
		return
	}
	for _, id := range ids {
		if slots <= 0 || !s.acquireWorker() {
			return
		}
		settled, err := s.store.ClaimRun(ctx, id)
		if err != nil || !settled.Claimed {
			s.releaseWorker()
			if err != nil {
				s.logger.Warn("claim run failed", "run_id", id, "error", err.Error())
			} else if len(settled.Events) > 0 {
				s.publishSettled(settled)
			}
			continue
		}
		slots--
		s.events.RunStatus(settled.Run)
		if settled.Agent != nil {
			s.events.AgentStatus(*settled.Agent, nil)
		}
		if !s.launch(settled.Run) {
			s.releaseWorker()
			return
		}
	}
}

func (s *Scheduler) acquireWorker() bool {
	select {
	case s.workers <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Scheduler) releaseWorker() { <-s.workers }

// launch starts a claimed run's execution; it refuses once shutdown began, leaving the
// run to recovery at the next start.
func (s *Scheduler) launch(run store.HeartbeatRun) bool {
	s.mu.Lock()
	if s.stopping || s.runCtx == nil {
		s.mu.Unlock()
		return false
	}
	ctx, cancel := context.WithCancel(s.runCtx)
	h := &activeRun{cancel: cancel, done: make(chan struct{})}
	s.active[run.ID] = h
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer close(h.done)
		defer s.releaseWorker()
		defer cancel()
		s.execute(ctx, h, run)
		s.mu.Lock()
		delete(s.active, run.ID)
		s.mu.Unlock()
		// This agent may have more queued, and a freed worker may start another's.
		s.Kick(run.AgentID)
		s.Kick("")
	}()
	return true
}

// resumeQueued starts every agent that has queued runs.
func (s *Scheduler) resumeQueued() {
	ids, err := s.store.FindAgentsWithQueuedRuns(context.Background())
	if err != nil {
		s.logger.Warn("list agents with queued runs failed", "error", err.Error())
		return
	}
	for _, id := range ids {
		s.startNext(id)
	}
}

// tickTimers wakes every agent whose heartbeat interval elapsed (runtime.md §3.2).
func (s *Scheduler) tickTimers() {
	ctx := store.NewContextWithActor(context.Background(), store.SystemActor("heartbeat_scheduler"))
	agents, err := s.store.FindTimerAgents(ctx)
	if err != nil {
		s.logger.Warn("list timer agents failed", "error", err.Error())
		return
	}
	now := s.cfg.Now()
	checked, enqueued, skipped := 0, 0, 0
	for _, t := range agents {
		p := t.Agent.Heartbeat()
		if !p.Enabled || p.IntervalSec <= 0 {
			continue
		}
		checked++
		base, err := store.ParseTime(t.Baseline)
		if t.HasLiveRun || (err == nil && now.Sub(base) < time.Duration(p.IntervalSec)*time.Second) {
			continue
		}
		reason := store.WakeHeartbeatTimer
		out, err := s.Wakeup(ctx, store.WakeRequest{AgentID: t.Agent.ID, Source: store.WakeSourceTimer, TriggerDetail: "system",
			Reason: &reason, RequestedByActorType: "system", RequestedByActorID: "heartbeat_scheduler",
			Context: map[string]any{"source": "scheduler", "reason": "interval_elapsed", "now": store.FormatTime(now)}})
		switch {
		case err != nil:
			s.logger.Warn("timer wake failed", "agent_id", t.Agent.ID, "error", err.Error())
		case out.Skip != nil:
			skipped++
		default:
			enqueued++
		}
	}
	if checked > 0 {
		s.logger.Debug("heartbeat timers", "checked", checked, "enqueued", enqueued, "skipped", skipped)
	}
}

// shutdown stops claiming, stops every live run's process group (SIGTERM, SIGKILL
// after the grace) and waits for the runners, which record the runs as lost.
func (s *Scheduler) shutdown() {
	s.mu.Lock()
	s.stopping = true
	handles := make([]*activeRun, 0, len(s.active))
	for _, h := range s.active {
		h.shutdown = true
		h.cancel()
		handles = append(handles, h)
	}
	s.mu.Unlock()
	timer := time.NewTimer(s.cfg.ShutdownGrace)
	defer timer.Stop()
	for _, h := range handles {
		select {
		case <-h.done:
		case <-timer.C:
			// Past the shutdown grace: kill whatever is left so nothing outlives us.
			s.mu.Lock()
			for _, left := range s.active {
				if left.pgid > 0 {
					killGroup(left.pgid, nil)
				}
			}
			s.mu.Unlock()
			<-h.done
		}
	}
	s.wg.Wait()
}

// setPGID records the process group of an executing run for shutdown.
func (s *Scheduler) setPGID(h *activeRun, pgid int) {
	s.mu.Lock()
	h.pgid = pgid
	s.mu.Unlock()
}

func isShutdown(s *Scheduler, h *activeRun) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return h.shutdown
}
