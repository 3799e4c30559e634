package heartbeat_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"paperclip/server/adapter/process"
	"paperclip/server/heartbeat"
	"paperclip/store"
)

// startSignal is an adapter whose Execute reports that it was reached, measuring the
// runtime's own path from wake to adapter start without a child process.
type startSignal struct {
	heartbeat.Adapter
	started chan struct{}
}

func (s startSignal) Type() string { return store.AdapterProcess }

func (s startSignal) Execute(context.Context, heartbeat.Invocation) (heartbeat.Result, error) {
	s.started <- struct{}{}
	return heartbeat.Result{}, nil
}

// BenchmarkWakeToAdapterStart is the latency from an on-demand wake to the adapter's
// Execute: enqueue, the loop's claim, run preparation (cwd, env, prompt, JWT, log).
func BenchmarkWakeToAdapterStart(b *testing.B) {
	sig := startSignal{Adapter: process.New(), started: make(chan struct{}, 1)}
	r := newRuntimeTB(b, nil, sig)
	a := r.agent("Bench", store.AdapterProcess, map[string]any{"command": "true"}, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := r.sch.Wakeup(boardCtx(), store.WakeRequest{AgentID: a.ID, Source: "on_demand", TriggerDetail: "manual"})
		if err != nil || out.Run == nil {
			b.Fatal(err)
		}
		<-sig.started
		b.StopTimer()
		r.waitDone(out.Run.ID)
		b.StartTimer()
	}
}

// TestTimerLoad50Agents runs 50 agents whose timers fall due on every 5 s tick, for a
// minute, and reports the CPU time and peak RSS of the process. It is a measurement,
// not a check: run it with PAPERCLIP_BENCH_TIMERS=1 (see BENCHMARKS.md).
func TestTimerLoad50Agents(t *testing.T) {
	if os.Getenv("PAPERCLIP_BENCH_TIMERS") == "" {
		t.Skip("set PAPERCLIP_BENCH_TIMERS=1 to run the 50-agent timer load (one minute)")
	}
	start := time.Now()
	// Every real 5 s tick moves the timer clock 30 s, the shortest interval, so each
	// agent is due on each tick.
	clock := func() time.Time { return time.Now().Add(time.Since(start) * 6) }
	r := newRuntime(t, func(c *heartbeat.Config) { c.TimersEnabled, c.TickInterval, c.Now = true, 5*time.Second, clock })
	hb := map[string]any{"heartbeat": map[string]any{"enabled": true, "intervalSec": 30, "skipWhenNoActionableWork": false}}
	for i := 0; i < 50; i++ {
		r.agent("Timer "+strconv.Itoa(i), store.AdapterProcess, map[string]any{"command": "true"}, hb)
	}
	before := processCPU()
	time.Sleep(time.Minute)
	cpu := processCPU() - before
	runs, _ := r.st.FindHeartbeatRuns(context.Background(), store.RunFilter{CompanyID: r.company.ID, Summary: true})
	var ok atomic.Int64
	for _, run := range runs {
		if run.Status == store.RunSucceeded {
			ok.Add(1)
		}
	}
	t.Logf("50 agents, 5 s ticks, 60 s: %d runs (%d succeeded), CPU %s (%.1f%% of one core), peak RSS %s",
		len(runs), ok.Load(), cpu.Round(time.Millisecond), 100*cpu.Seconds()/60, peakRSS())
}

func peakRSS() string {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
