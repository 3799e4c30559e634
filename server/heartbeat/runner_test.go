package heartbeat_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"paperclip/store"
)

func TestProcessRunSucceedsWithEnvLogAndEvents(t *testing.T) {
	r := newRuntime(t, nil)
	a := r.shAgent("Echo", `echo "run=$PAPERCLIP_RUN_ID key=$PAPERCLIP_API_KEY src=$PAPERCLIP_WORKSPACE_SOURCE"; echo oops >&2`, nil)
	out := r.invoke(a.ID, nil)
	if out.Run == nil || !out.Created || out.Run.Status != store.RunQueued {
		t.Fatalf("invoke: %+v", out)
	}
	run := r.waitDone(out.Run.ID)
	if run.Status != store.RunSucceeded || run.ExitCode == nil || *run.ExitCode != 0 {
		t.Fatalf("run %s exit %v error %s", run.Status, run.ExitCode, deref(run.Error))
	}
	log := r.logText(run)
	if !strings.Contains(log, "stdout:run="+run.ID) || !strings.Contains(log, "src=agent_home") || !strings.Contains(log, "stderr:oops") {
		t.Errorf("log lacks the child's output:\n%s", log)
	}
	if strings.Contains(log, "key=ey") || !strings.Contains(log, "key=***REDACTED***") {
		t.Errorf("run JWT not redacted in the log:\n%s", log)
	}
	if run.StdoutExcerpt == nil || !strings.Contains(*run.StdoutExcerpt, "REDACTED") {
		t.Errorf("stdout excerpt %v", deref(run.StdoutExcerpt))
	}
	evs, _ := r.st.FindRunEvents(context.Background(), store.RunEventFilter{RunID: run.ID, Limit: 100})
	var types []string
	for _, e := range evs {
		types = append(types, e.EventType+":"+deref(e.Message))
	}
	want := []string{"lifecycle:run started", "lifecycle:session reset: manual_invoke", "adapter.invoke:adapter invoked", "lifecycle:run succeeded"}
	if !slices.Equal(types, want) {
		t.Errorf("events %v, want %v", types, want)
	}
	seq := r.events.of(run.ID)
	if seq[0] != "queued" || seq[1] != "status:running" || seq[len(seq)-1] != "status:succeeded" || !slices.Contains(seq, "log:stdout") {
		t.Errorf("live sequence %v", seq)
	}
	got, _ := r.st.FindAgentByID(context.Background(), a.ID)
	if got.Status != store.AgentIdle || got.LastHeartbeatAt == nil {
		t.Errorf("agent after run: %s %v", got.Status, got.LastHeartbeatAt)
	}
}
