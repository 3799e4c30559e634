package server_test

import (
	"strings"
	"sync"
	"testing"
)

// TestAgentWorksAnIssue is the issue system's story end to end over HTTP with real agent
// credentials: an agent with a key and a run id takes a todo issue, comments and
// finishes it; a second agent trying the same issue gets 409; the board sees the whole
// story in the comments and the activity.
func TestAgentWorksAnIssue(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Story Co")["id"].(string)
	alice := e.mustAgent(cid, map[string]any{"name": "Alice", "role": "engineer"})
	bob := e.mustAgent(cid, map[string]any{"name": "Bob", "role": "engineer"})
	aID, bID := alice["id"].(string), bob["id"].(string)
	aKey, bKey := e.agentKey(aID), e.agentKey(bID)
	aRun, bRun := e.insertRun(cid, aID, "running", -1), e.insertRun(cid, bID, "running", -1)
	asAlice := append(bearer(aKey), "X-Paperclip-Run-Id", aRun)
	asBob := append(bearer(bKey), "X-Paperclip-Run-Id", bRun)

	issue := e.mustIssue(cid, map[string]any{"title": "Write the launch post", "status": "todo"})
	id := issue["id"].(string)
	ident := issue["identifier"].(string)

	e.run(t, []scenario{
		{"checkout without run id", "POST", "/api/issues/" + id + "/checkout", map[string]any{"agentId": aID, "expectedStatuses": []string{"todo"}}, bearer(aKey), 401, []string{"Agent run id required"}},
		{"checkout as someone else", "POST", "/api/issues/" + id + "/checkout", map[string]any{"agentId": bID, "expectedStatuses": []string{"todo"}}, asAlice, 403, []string{"Agent can only checkout as itself"}},
		{"alice checks out", "POST", "/api/issues/" + ident + "/checkout", map[string]any{"agentId": aID, "expectedStatuses": []string{"todo"}}, asAlice, 200, []string{`"status":"in_progress"`, `"assigneeAgentId":"` + aID, `"checkoutRunId":"` + aRun}},
		{"alice again is idempotent", "POST", "/api/issues/" + id + "/checkout", map[string]any{"agentId": aID, "expectedStatuses": []string{"todo"}}, asAlice, 200, []string{`"status":"in_progress"`}},
		{"bob conflicts", "POST", "/api/issues/" + id + "/checkout", map[string]any{"agentId": bID, "expectedStatuses": []string{"todo", "in_progress"}}, asBob, 409, []string{"Issue checkout conflict", `"checkoutRunId":"` + aRun}},
		{"bob cannot patch it", "PATCH", "/api/issues/" + id, map[string]any{"status": "done"}, asBob, 409, []string{"Issue is checked out by another agent"}},
		{"alice comments", "POST", "/api/issues/" + id + "/comments", map[string]any{"body": "Draft is up, @Bob please review"}, asAlice, 201, []string{`"authorAgentId":"` + aID, `"createdByRunId":"` + aRun}},
		{"alice finishes", "PATCH", "/api/issues/" + id, map[string]any{"status": "done", "comment": "Published."}, asAlice, 200, []string{`"status":"done"`}},
		{"alice cannot reopen", "PATCH", "/api/issues/" + id, map[string]any{"status": "todo"}, asAlice, 422, nil},
	})

	comments := e.do("GET", "/api/issues/"+id+"/comments?order=asc", nil).List()
	if len(comments) != 2 || comments[0]["authorAgentId"] != aID || !strings.Contains(comments[1]["body"].(string), "Published.") {
		t.Fatalf("board sees comments %v", comments)
	}
	acts := e.do("GET", "/api/issues/"+id+"/activity", nil).List()
	seen := map[string]bool{}
	for _, a := range acts {
		if a["actorType"] == "agent" && a["runId"] != aRun {
			t.Errorf("agent activity without its run id: %v", a)
		}
		seen[a["action"].(string)] = true
	}
	for _, want := range []string{"issue.created", "issue.checked_out", "issue.comment_added", "issue.updated"} {
		if !seen[want] {
			t.Errorf("issue activity lacks %s: %v", want, seen)
		}
	}
	// The finished issue left the inbox.
	if inbox := e.do("GET", "/api/agents/me/inbox-lite", nil, asAlice...).List(); len(inbox) != 0 {
		t.Fatalf("inbox after done: %v", inbox)
	}
	e.run(t, []scenario{
		{"board can reopen", "PATCH", "/api/issues/" + id, map[string]any{"status": "todo"}, nil, 200, []string{`"status":"todo"`}},
		{"todo cannot jump to done", "PATCH", "/api/issues/" + id, map[string]any{"status": "done"}, nil, 422, []string{"in_progress"}},
		{"reopened issue is back in the inbox", "GET", "/api/agents/me/inbox-lite", nil, asAlice, 200, []string{ident}},
	})
}

// TestAgentIssueTenancy: an agent sees its own company's issues only; another company's
// issue answers exactly like a missing one, and another company's paths are 403.
func TestAgentIssueTenancy(t *testing.T) {
	e := newEnv(t)
	c1 := e.mustCompany("One")["id"].(string)
	c2 := e.mustCompany("Two")["id"].(string)
	ag := e.mustAgent(c1, map[string]any{"name": "Solo", "role": "engineer"})
	key := e.agentKey(ag["id"].(string))
	run := e.insertRun(c1, ag["id"].(string), "running", -1)
	as := append(bearer(key), "X-Paperclip-Run-Id", run)
	mine := e.mustIssue(c1, map[string]any{"title": "Mine", "status": "todo", "assigneeAgentId": ag["id"]})
	theirs := e.mustIssue(c2, map[string]any{"title": "Theirs", "status": "todo"})
	tid, tident := theirs["id"].(string), theirs["identifier"].(string)
	e.run(t, []scenario{
		{"own issue", "GET", "/api/issues/" + mine["id"].(string), nil, as, 200, []string{"Mine"}},
		{"inbox lists assigned", "GET", "/api/agents/me/inbox-lite", nil, as, 200, []string{mine["identifier"].(string)}},
		{"foreign by id", "GET", "/api/issues/" + tid, nil, as, 404, []string{"Issue not found"}},
		{"foreign by identifier", "GET", "/api/issues/" + tident, nil, as, 404, []string{"Issue not found"}},
		{"foreign patch", "PATCH", "/api/issues/" + tid, map[string]any{"title": "x"}, as, 404, []string{"Issue not found"}},
		{"foreign checkout", "POST", "/api/issues/" + tid + "/checkout", map[string]any{"agentId": ag["id"], "expectedStatuses": []string{"todo"}}, as, 404, []string{"Issue not found"}},
		{"foreign comments", "GET", "/api/issues/" + tid + "/comments", nil, as, 404, []string{"Issue not found"}},
		{"foreign comment post", "POST", "/api/issues/" + tid + "/comments", map[string]any{"body": "hi"}, as, 404, []string{"Issue not found"}},
		{"foreign delete", "DELETE", "/api/issues/" + tid, nil, as, 404, []string{"Issue not found"}},
		{"foreign activity", "GET", "/api/issues/" + tid + "/activity", nil, as, 404, []string{"Issue not found"}},
		{"foreign company list", "GET", "/api/companies/" + c2 + "/issues", nil, as, 403, []string{"Agent key cannot access another company"}},
		{"foreign company create", "POST", "/api/companies/" + c2 + "/issues", map[string]any{"title": "x"}, as, 403, []string{"Agent key cannot access another company"}},
		{"assign across companies", "PATCH", "/api/issues/" + tid, map[string]any{"assigneeAgentId": ag["id"]}, nil, 422, nil},
	})
	if got := e.do("GET", "/api/issues/"+tid, nil).JSON(); got["title"] != "Theirs" {
		t.Fatalf("foreign attempts changed the issue: %v", got)
	}
}

// TestAgentCheckoutRaceOverHTTP: 50 agents with their own keys and runs race for one
// issue; exactly one wins, the rest get 409, none a 5xx.
func TestAgentCheckoutRaceOverHTTP(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Race")["id"].(string)
	id := e.mustIssue(cid, map[string]any{"title": "Contested", "status": "todo"})["id"].(string)
	type racer struct{ id, key, run string }
	var racers []racer
	for i := 0; i < 50; i++ {
		a := e.mustAgent(cid, map[string]any{"name": "Racer", "role": "engineer"})
		aid := a["id"].(string)
		racers = append(racers, racer{aid, e.agentKey(aid), e.insertRun(cid, aid, "running", -1)})
	}
	var wg sync.WaitGroup
	codes := make(chan int, len(racers))
	for _, r := range racers {
		wg.Add(1)
		go func(r racer) {
			defer wg.Done()
			res := e.do("POST", "/api/issues/"+id+"/checkout", map[string]any{"agentId": r.id, "expectedStatuses": []string{"todo"}},
				"Authorization", "Bearer "+r.key, "X-Paperclip-Run-Id", r.run)
			codes <- res.Status
		}(r)
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[200] != 1 || count[409] != len(racers)-1 {
		t.Fatalf("status counts %v", count)
	}
}
