package main_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // reads the crashed database file directly
)

// tortureFull reports whether PAPERCLIP_TORTURE=full asks for the full-size torture
// runs; RELIABILITY.md records the command and the figures they gave.
func tortureFull() bool { return os.Getenv("PAPERCLIP_TORTURE") == "full" }

// crashSize is one configuration of the kill -9 test.
type crashSize struct {
	rounds   int // kill -9s
	writers  int // concurrent HTTP clients
	perRound int // acknowledged writes to wait for before each kill
}

// ack is one write the server answered with success: an issue or a comment on one.
type ack struct {
	kind string // "issue" or "comment"
	id   string
}

// TestKill9LosesNoAcknowledgedWrite holds the durability contract of
// docs/durability.md against the real binary: concurrent clients create issues and
// comments, the server is killed with SIGKILL mid-stream, and the file it leaves
// passes integrity_check and holds every write that was acknowledged, with the
// activity row written in the same transaction. Rounds alternate synchronous NORMAL
// and FULL, so both settings are exercised and the banner shows the FULL one.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	size := crashSize{rounds: 3, writers: 4, perRound: 30}
	if tortureFull() {
		size = crashSize{rounds: 5, writers: 16, perRound: 2400}
	}
	home := t.TempDir()
	dbPath := filepath.Join(home, "pc", "instances", "default", "db", "paperclip.db")
	var company string
	var all []ack
	for round := range size.rounds {
		env := instanceEnv(home, "PAPERCLIP_DB_BACKUP_ENABLED=false")
		full := round%2 == 1
		if full {
			env = append(env, "PAPERCLIP_DB_SYNCHRONOUS=full")
		}
		s := startServer(t, env, "run", "--no-open")
		if got := strings.Contains(s.stdout.String(), ", synchronous full\n"); got != full {
			t.Fatalf("round %d: banner says synchronous full = %v, want %v\n%s", round, got, full, s.stdout)
		}
		if company == "" {
			status, body := call(t, http.MethodPost, s.url+"/api/companies", map[string]any{"name": "Crash Inc"})
			if status != http.StatusCreated {
				t.Fatalf("create company: %d %s", status, body)
			}
			var c struct{ ID string }
			json.Unmarshal(body, &c)
			company = c.ID
		}
		acked, problems := writeUntilKilled(s, company, round, size)
		for _, p := range problems {
			t.Errorf("round %d: %s", round, p)
		}
		all = append(all, acked...)
		checkCrashedFile(t, dbPath, company, all)
		t.Logf("round %d (synchronous full=%v): %d writes acknowledged before kill -9, %d in total, none lost",
			round, full, len(acked), len(all))
	}

	// The restarted server reads every acknowledged issue through the API too.
	s := startServer(t, instanceEnv(home, "PAPERCLIP_DB_BACKUP_ENABLED=false"), "run", "--no-open")
	seen := map[string]bool{}
	for offset := 0; ; offset += 1000 {
		status, body := call(t, http.MethodGet, fmt.Sprintf("%s/api/companies/%s/issues?limit=1000&offset=%d", s.url, company, offset), nil)
		var page []struct{ ID string }
		if status != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("list after crashes: %d %.200s", status, body)
		}
		for _, is := range page {
			seen[is.ID] = true
		}
		if len(page) < 1000 {
			break
		}
	}
	for _, a := range all {
		if a.kind == "issue" && !seen[a.id] {
			t.Errorf("issue %s acknowledged but not listed after restart", a.id)
		}
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("final SIGTERM exit %d", code)
	}
}

// writeUntilKilled runs size.writers clients against s until size.perRound writes of
// this round are acknowledged, then kills the server with SIGKILL while they are still
// writing. It returns the acknowledged writes and anything that must not happen
// before the kill (a 5xx, an unexpected status, a transport error).
func writeUntilKilled(s *server, company string, round int, size crashSize) ([]ack, []string) {
	var (
		mu       sync.Mutex
		acked    []ack
		problems []string
		killed   = make(chan struct{})
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	post := func(url string, body any) (int, []byte, error) {
		raw, _ := json.Marshal(body)
		res, err := client.Post(url, "application/json", bytes.NewReader(raw))
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		return res.StatusCode, data, err
	}
	for w := range size.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := ""
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				kind, url, body := "issue", s.url+"/api/companies/"+company+"/issues", any(map[string]any{"title": fmt.Sprintf("r%d w%d #%d", round, w, i)})
				if last != "" && i%3 == 2 {
					kind, url, body = "comment", s.url+"/api/issues/"+last+"/comments", map[string]any{"body": fmt.Sprintf("comment %d of w%d", i, w)}
				}
				status, data, err := post(url, body)
				var got struct{ ID string }
				mu.Lock()
				switch {
				case err != nil:
					select {
					case <-killed: // the kill cut this request: neither acknowledged nor lost
					default:
						problems = append(problems, fmt.Sprintf("%s before the kill: %v", kind, err))
					}
				case status == http.StatusCreated && json.Unmarshal(data, &got) == nil && got.ID != "":
					acked = append(acked, ack{kind, got.ID})
					if kind == "issue" {
						last = got.ID
					}
				default:
					problems = append(problems, fmt.Sprintf("%s: status %d %.200s", kind, status, data))
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		n, bad := len(acked), len(problems)
		mu.Unlock()
		if n >= size.perRound || bad > 0 || time.Now().After(deadline) {
			break
		}
	}
	// Closed first so an error the kill causes is never counted as a problem.
	mu.Lock()
	close(killed)
	mu.Unlock()
	s.cmd.Process.Kill()
	<-s.done
	wg.Wait()
	if len(acked) < size.perRound && len(problems) == 0 {
		problems = append(problems, fmt.Sprintf("only %d writes acknowledged before the deadline", len(acked)))
	}
	return acked, problems
}

// checkCrashedFile opens the database a killed server left (recovering its WAL as the
// next start would) and checks integrity and that every acknowledged write is there.
func checkCrashedFile(t *testing.T, path, company string, acked []ack) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q (%v)", integrity, err)
	}
	present := map[string]bool{}
	logged := map[string]bool{}
	for _, q := range []struct {
		sql string
		set map[string]bool
	}{
		{`SELECT id FROM issues WHERE company_id = ?`, present},
		{`SELECT id FROM issue_comments WHERE company_id = ?`, present},
		{`SELECT entity_id || '/' || action FROM activity_log WHERE company_id = ?`, logged},
	} {
		rows, err := db.Query(q.sql, company)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			q.set[id] = true
		}
		rows.Close()
	}
	lost := 0
	for _, a := range acked {
		if !present[a.id] {
			lost++
			t.Errorf("acknowledged %s %s is missing after kill -9", a.kind, a.id)
		}
		if a.kind == "issue" && !logged[a.id+"/issue.created"] {
			t.Errorf("issue %s has no issue.created activity row", a.id)
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	var numbers, distinct int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT issue_number) FROM issues WHERE company_id = ?`, company).Scan(&numbers, &distinct); err != nil || numbers != distinct {
		t.Fatalf("issue numbers: %d rows, %d distinct (%v)", numbers, distinct, err)
	}
}
