package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/server/heartbeat"
	"paperclip/store"
)

// censorUser is the account the censor tests pretend the server runs as; "zorblaxent"
// in the output is another word and must survive.
var censorUser = heartbeat.OSUser{Name: "zorblax", Home: "/home/zorblax"}

func withCensorUser(c *server.Config) { c.OSUser = censorUser }

// leaksName reports whether text shows the user name, or part of the home, anywhere
// but inside the longer word zorblaxent.
func leaksName(text string) bool {
	text = strings.ReplaceAll(text, "zorblaxent", "")
	return strings.Contains(text, "zorb") || strings.Contains(text, "blax")
}

func (e *env) setCensor(on bool) {
	e.t.Helper()
	r := e.do(http.MethodPatch, "/api/instance/settings/general", map[string]any{"censorUsernameInLogs": on})
	if r.Status != http.StatusOK || r.JSON()["censorUsernameInLogs"] != on {
		e.t.Fatalf("set censorUsernameInLogs %v: %d %s", on, r.Status, r.Body)
	}
}

// finishedRunWithOutput writes a failed run the way the runtime does: NDJSON log
// through heartbeat.RunLog, an adapter.invoke event, excerpts, result tails and the
// error text, all naming the user and the home.
func (e *env) finishedRunWithOutput(cid, aid, iid string) (string, int) {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.store.EnqueueWake(ctx, store.WakeRequest{AgentID: aid, Source: "on_demand", Context: map[string]any{"issueId": iid}})
	if err != nil || out.Run == nil {
		e.t.Fatalf("enqueue: %v %+v", err, out)
	}
	runID := out.Run.ID
	if _, err := e.store.ClaimRun(ctx, runID); err != nil {
		e.t.Fatal(err)
	}
	ref := heartbeat.RunLogRef(cid, aid, runID)
	l, err := heartbeat.OpenRunLog(e.cfg.RunLogDir, ref, 0, nil, heartbeat.NewCensor(censorUser), time.Now, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	// One line longer than the small log windows below, the home at an odd offset.
	long := "working in /home/zorblax/project as zorblax; zorblaxent is a word" + strings.Repeat(" .", 40) + " zorblax\n"
	l.WriteLog("stdout", []byte(long))
	l.WriteLog("stderr", []byte("warning: /home/zorblax/.config missing\n"))
	size, sum, err := l.Close()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.AppendRunEvent(ctx, runID, store.RunEventInput{EventType: "adapter.invoke", Stream: "system",
		Level: "info", Message: "adapter invoked in /home/zorblax/project",
		Payload: map[string]any{"cwd": "/home/zorblax/project", "commandArgs": []any{"--user", "zorblax"}}}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.FinishRun(ctx, store.RunFinish{RunID: runID, Status: store.RunFailed, ErrorCode: "adapter_failed",
		Error: "Command not found: /home/zorblax/bin/agent", LogStore: heartbeat.LogStoreLocal, LogRef: ref,
		LogBytes: size, LogSHA256: sum, StdoutExcerpt: l.Excerpt("stdout"), StderrExcerpt: l.Excerpt("stderr"),
		Result: map[string]any{"stdout": long, "stderr": "user zorblax"}}); err != nil {
		e.t.Fatal(err)
	}
	return runID, int(size)
}

// TestCensorUsernameOnEveryReadSurface turns the setting on and off over one stored
// run: off shows the raw name and home, on shows [user] and ~ on every route that
// returns run output, and off again shows the stored bytes unchanged.
func TestCensorUsernameOnEveryReadSurface(t *testing.T) {
	e := newEnv(t, withCensorUser)
	cid := e.mustCompany("Censored")["id"].(string)
	aid := e.mustAgent(cid, map[string]any{"name": "Worker", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "true"}})["id"].(string)
	iid := e.mustIssue(cid, map[string]any{"title": "Investigate"})["id"].(string)
	runID, size := e.finishedRunWithOutput(cid, aid, iid)

	surfaces := map[string]string{
		"run":           "/api/heartbeat-runs/" + runID,
		"run list":      "/api/companies/" + cid + "/heartbeat-runs",
		"events":        "/api/heartbeat-runs/" + runID + "/events",
		"log":           "/api/heartbeat-runs/" + runID + "/log",
		"issue runs":    "/api/issues/" + iid + "/runs",
		"runtime state": "/api/agents/" + aid + "/runtime-state",
		"task sessions": "/api/agents/" + aid + "/task-sessions",
	}
	read := func(t *testing.T) map[string]string {
		out := map[string]string{}
		for name, path := range surfaces {
			r := e.with(t).do(http.MethodGet, path, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
			out[name] = string(r.Body)
		}
		return out
	}

	raw := read(t)
	for _, name := range []string{"run", "run list", "events", "log", "issue runs", "runtime state"} {
		if !strings.Contains(raw[name], "/home/zorblax") {
			t.Errorf("setting off: %s does not show the raw home: %s", name, raw[name])
		}
	}

	e.setCensor(true)
	on := read(t)
	for name, body := range on {
		if leaksName(body) {
			t.Errorf("setting on: %s shows the name: %s", name, body)
		}
	}
	var run map[string]any
	json.Unmarshal([]byte(on["run"]), &run)
	if run["error"] != "Command not found: ~/bin/agent" ||
		!strings.Contains(run["stdoutExcerpt"].(string), "working in ~/project as [user]; zorblaxent is a word") ||
		run["stderrExcerpt"] != "warning: ~/.config missing\n" ||
		run["resultJson"].(map[string]any)["stderr"] != "user [user]" {
		t.Errorf("censored run: %v", run)
	}
	var events []map[string]any
	json.Unmarshal([]byte(on["events"]), &events)
	var invoke map[string]any
	for _, ev := range events {
		if ev["eventType"] == "adapter.invoke" {
			invoke = ev
		}
	}
	if invoke == nil || invoke["message"] != "adapter invoked in ~/project" ||
		invoke["payload"].(map[string]any)["cwd"] != "~/project" {
		t.Errorf("censored events: %v", events)
	}
	var log heartbeat.LogChunk
	json.Unmarshal([]byte(on["log"]), &log)
	if !strings.Contains(log.Content, `"chunk":"working in ~/project as [user]; zorblaxent`) ||
		log.NextOffset == nil || *log.NextOffset != int64(size) {
		t.Errorf("censored log: %+v", log)
	}
	for _, line := range strings.Split(strings.TrimSpace(log.Content), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("censored log line is not JSON: %s", line)
		}
	}

	// Small windows inside the long line: paging by nextOffset (raw offsets) rebuilds
	// exactly the censored log, and no window edge falls inside a name or the home.
	rawLog, err := os.ReadFile(filepath.Join(e.cfg.RunLogDir, filepath.FromSlash(heartbeat.RunLogRef(cid, aid, runID))))
	if err != nil {
		t.Fatal(err)
	}
	names := nameOccurrences(string(rawLog))
	if len(names) < 4 {
		t.Fatalf("fixture: only %d occurrences", len(names))
	}
	for _, limit := range []int{7, 11, 16} {
		var pages strings.Builder
		offset := 0
		for i := 0; i < 1000; i++ {
			r := e.do(http.MethodGet, "/api/heartbeat-runs/"+runID+"/log?offset="+itoa(offset)+"&limitBytes="+itoa(limit), nil)
			var page heartbeat.LogChunk
			json.Unmarshal(r.Body, &page)
			if strings.Contains(strings.ReplaceAll(page.Content, "zorblaxent", ""), "zorblax") {
				t.Fatalf("limit %d offset %d: page %q shows the name", limit, offset, page.Content)
			}
			pages.WriteString(page.Content)
			if page.NextOffset == nil {
				break
			}
			for _, n := range names {
				if n[0] < int(*page.NextOffset) && int(*page.NextOffset) < n[1] {
					t.Fatalf("limit %d: nextOffset %d splits %q", limit, *page.NextOffset, rawLog[n[0]:n[1]])
				}
			}
			offset = int(*page.NextOffset)
		}
		if pages.String() != log.Content {
			t.Errorf("limit %d: pages join to\n%s\nwant\n%s", limit, pages.String(), log.Content)
		}
	}

	e.setCensor(false)
	if again := read(t); again["log"] != raw["log"] || again["run"] != raw["run"] || again["events"] != raw["events"] {
		t.Errorf("setting off again: output differs from the first raw read")
	}
}

// TestCensorNeedsAUserToCensor: a server that knows no account (tests, odd
// containers) answers run output unchanged with the setting on.
func TestCensorNeedsAUserToCensor(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Uncensored")["id"].(string)
	aid := e.mustAgent(cid, map[string]any{"name": "Worker", "adapterType": "process",
		"adapterConfig": map[string]any{"command": "true"}})["id"].(string)
	iid := e.mustIssue(cid, map[string]any{"title": "Investigate"})["id"].(string)
	runID, _ := e.finishedRunWithOutput(cid, aid, iid)
	e.setCensor(true)
	if r := e.do(http.MethodGet, "/api/heartbeat-runs/"+runID, nil); !strings.Contains(string(r.Body), "/home/zorblax/bin/agent") {
		t.Errorf("run without a configured user: %s", r.Body)
	}
}

// nameOccurrences are the byte ranges of the home and of the name as a word in text.
func nameOccurrences(text string) [][2]int {
	var out [][2]int
	for i := 0; ; {
		j := strings.Index(text[i:], "zorblax")
		if j < 0 {
			return out
		}
		start, end := i+j, i+j+len("zorblax")
		if strings.HasSuffix(text[:start], "/home/") {
			start -= len("/home/")
		}
		if !strings.HasPrefix(text[end:], "ent") {
			out = append(out, [2]int{start, end})
		}
		i = end
	}
}
