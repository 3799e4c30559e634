package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"paperclip/store"
	"paperclip/store/storetest"
)

// The issue list's JSON is written from each row's MarshalJSON without json.Encoder's
// re-scan of it (writeIssueRows); it must stay byte for byte what json.Encoder writes
// for the store's rows. Rows vary in everything the encoder could treat differently:
// HTML and JSON metacharacters, U+2028/U+2029, invalid UTF-8 cannot be stored but
// two- and four-byte UTF-8 can, descriptions around the 1200-character cut, labels,
// assignees, parents, projects, live and finished runs, adapter overrides (raw JSON),
// hidden rows, and the board user's comments and read states (user-context keys).
func TestIssueListJSONIsTheEncoders(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("JSON Co")["id"].(string)
	agent := e.insertAgent(cid, "Worker", "engineer", "idle")
	project := e.do(http.MethodPost, "/api/companies/"+cid+"/projects", map[string]any{"name": "Proj <1>"}).JSON()["id"]
	label := e.do(http.MethodPost, "/api/companies/"+cid+"/labels", map[string]any{"name": "a&b <i>", "color": "#112233"}).JSON()["id"]
	titles := []string{`<script>alert("x")</script>`, `Tom & Jerry's "quote" \ back\slash`, "line\u2028sep\u2029para",
		"tab\tnew\nline", "café 🙂 日本", "plain"}
	descriptions := []any{nil, "Short **markdown** <b>&amp;</b>", strings.Repeat("a", 1200), strings.Repeat("<", 1201),
		strings.Repeat("é", 1300), strings.Repeat("🙂", 1250) + "x", `{"not":"json"}`}
	var ids []string
	for n := range 30 {
		body := map[string]any{"title": fmt.Sprintf("%s %d", titles[n%len(titles)], n), "priority": []string{"critical", "high", "medium", "low"}[n%4]}
		if d := descriptions[n%len(descriptions)]; d != nil {
			body["description"] = d
		}
		if n%2 == 0 {
			body["assigneeAgentId"] = agent
		}
		if n%3 == 0 {
			body["projectId"] = project
		}
		if n%4 == 1 {
			body["labelIds"] = []any{label}
		}
		if n%5 == 4 && len(ids) > 0 {
			body["parentId"] = ids[0]
		}
		if n%6 == 5 {
			body["assigneeAdapterOverrides"] = map[string]any{"adapterConfig": map[string]any{"model": "big <m>", "env": map[string]any{"A": "&1"}}, "useProjectWorkspace": true}
		}
		id := e.mustIssue(cid, body)["id"].(string)
		ids = append(ids, id)
		if n%4 == 2 {
			if r := e.do(http.MethodPost, "/api/issues/"+id+"/comments", map[string]any{"body": "A <comment> & more"}); r.Status != 201 {
				t.Fatalf("comment %d %s", r.Status, r.Body)
			}
		}
		if n%7 == 3 {
			e.do(http.MethodPost, "/api/issues/"+id+"/read", nil)
		}
	}
	for _, n := range []int{2, 6, 10, 3} { // an agent answered after the board's comment or read: unread
		e.rawExec(`INSERT INTO issue_comments (id, company_id, issue_id, author_agent_id, author_type, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'agent', 'Done <ok>', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')`, store.NewID(), cid, ids[n], agent)
	}
	e.rawExec(`UPDATE issues SET hidden_at = updated_at WHERE id = ?`, ids[11])
	e.rawExec(`UPDATE issues SET execution_run_id = ? WHERE id = ?`, e.insertRun(cid, agent, "running", -1), ids[2])
	e.rawExec(`UPDATE issues SET execution_run_id = ? WHERE id = ?`, e.insertRun(cid, agent, "succeeded", 1), ids[4])

	for query, f := range map[string]store.IssueFilter{
		"":                          {},
		"?limit=7&offset=3":         {Limit: 7, Offset: 3},
		"?includeHidden=true":       {IncludeHidden: true},
		"?touchedByUserId=me":       {TouchedByUserID: store.LocalBoardUserID},
		"?unreadForUserId=me":       {UnreadForUserID: store.LocalBoardUserID},
		"?q=script":                 {Q: "script"},
		"?sortField=updated":        {SortField: "updated"},
		"?assigneeAgentId=" + agent: {AssigneeAgent: agent},
	} {
		f.CompanyID = cid
		if f.Limit == 0 {
			f.Limit = 500
		}
		rows, err := e.store.FindIssues(storetest.Board(), f)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rows); err != nil {
			t.Fatal(err)
		}
		r := e.do(http.MethodGet, "/api/companies/"+cid+"/issues"+query, nil)
		if r.Status != 200 || len(rows) == 0 {
			t.Fatalf("%q: %d, %d rows: %s", query, r.Status, len(rows), r.Body)
		}
		if strings.Contains(query, "UserId") != bytes.Contains(r.Body, []byte(`"isUnreadForMe":`)) ||
			!bytes.Contains(r.Body, []byte(`\u003c`)) {
			t.Errorf("%q: rows without the user-context keys or HTML to escape: %s", query, r.Body)
		}
		if !bytes.Equal(r.Body, want.Bytes()) {
			t.Errorf("%q: the list's JSON is not json.Encoder's\n got %s\nwant %s", query, r.Body, want.Bytes())
		}
	}
}
