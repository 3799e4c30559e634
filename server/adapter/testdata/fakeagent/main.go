// Command fakeagent is an agent for the process adapter in end-to-end tests. It speaks
// the heartbeat protocol the paperclip skill teaches, over HTTP with its run JWT:
// identity, inbox, checkout, comment, done, cost. FAKE_MODE chooses the behaviour:
//
//	work (default)  do the assigned task as described above
//	sleep           write "<pid>\n" to FAKE_PID_FILE and sleep (a run to kill the
//	                server under); when FAKE_ONCE_FILE exists it works instead, and it
//	                creates that file before sleeping, so a retry finishes; with
//	                FAKE_GRANDCHILD=1 it first starts a sleeping copy of itself in
//	                its process group, so tests see the whole tree stopped
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"paperclip/server/adapter/internal/fakecli"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fakeagent:", err)
		os.Exit(1)
	}
}

func run() error {
	if fakecli.Grandchild() {
		return nil
	}
	if os.Getenv("FAKE_MODE") == "sleep" {
		once := os.Getenv("FAKE_ONCE_FILE")
		if _, err := os.Stat(once); err != nil {
			os.WriteFile(once, nil, 0o600)
			if os.Getenv("FAKE_GRANDCHILD") == "1" {
				if err := fakecli.SpawnGrandchild(); err != nil {
					return err
				}
			}
			os.WriteFile(os.Getenv("FAKE_PID_FILE"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
			fmt.Println("sleeping")
			time.Sleep(10 * time.Minute)
			return nil
		}
	}
	var me struct{ ID, CompanyID string }
	if err := call("GET", "/api/agents/me", nil, &me); err != nil {
		return err
	}
	fmt.Printf("I am %s, woken for %s\n", me.ID, os.Getenv("PAPERCLIP_WAKE_REASON"))
	var inbox []struct{ ID, Identifier, Status string }
	if err := call("GET", "/api/agents/me/inbox-lite", nil, &inbox); err != nil {
		return err
	}
	task := os.Getenv("PAPERCLIP_TASK_ID")
	if task == "" && len(inbox) > 0 {
		task = inbox[0].ID
	}
	if task == "" {
		fmt.Println("nothing to do")
		return nil
	}
	if err := call("POST", "/api/issues/"+task+"/checkout", map[string]any{"agentId": me.ID,
		"expectedStatuses": []string{"todo", "backlog", "blocked", "in_review"}}, nil); err != nil {
		return err
	}
	if err := call("POST", "/api/issues/"+task+"/comments", map[string]any{"body": "Done by fakeagent in run " +
		os.Getenv("PAPERCLIP_RUN_ID")}, nil); err != nil {
		return err
	}
	if err := call("PATCH", "/api/issues/"+task, map[string]any{"status": "done"}, nil); err != nil {
		return err
	}
	// What the work cost, reported as the skill teaches (the process adapter has no
	// usage of its own to report).
	if err := call("POST", "/api/companies/"+me.CompanyID+"/cost-events", map[string]any{"agentId": me.ID,
		"issueId": task, "heartbeatRunId": os.Getenv("PAPERCLIP_RUN_ID"), "provider": "fakeagent", "model": "fake-1",
		"inputTokens": 120, "outputTokens": 30, "costCents": 2, "occurredAt": time.Now().UTC().Format(time.RFC3339)}, nil); err != nil {
		return err
	}
	fmt.Printf("finished %s (inbox had %d)\n", task, len(inbox))
	return nil
}

func call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, os.Getenv("PAPERCLIP_API_URL")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("PAPERCLIP_API_KEY"))
	req.Header.Set("X-Paperclip-Run-Id", os.Getenv("PAPERCLIP_RUN_ID"))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
