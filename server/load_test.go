package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"paperclip/server"
	"paperclip/server/runjwt"
	"paperclip/store"
	"paperclip/store/storetest"
	"paperclip/web"
)

// TestLoad100k is the load benchmark (BENCHMARKS.md, "Performance at scale"). It is
// not part of go test ./...; run it with
//
//	PAPERCLIP_LOAD=1 go test -run TestLoad100k -timeout 60m -v ./server/
//
// It seeds one company of 100 000 issues, 1 000 000 comments, 1 000 agents and
// 100 000 cost events (PAPERCLIP_LOAD_SCALE=0.1 for a tenth), times the 100k-issue
// store paths, drives the real server (server.Runner in a child process, whose RSS is
// reported) over a real listener with PAPERCLIP_LOAD_CLIENTS (default 8) concurrent
// clients for PAPERCLIP_LOAD_SECONDS (default 20) — agents heartbeating with run JWTs
// of their running runs (inbox, checkout, heartbeat context, comment, status) and the
// board (list, search, detail and its comments, dashboard, sidebar badges) — and
// reports throughput, p50/p99 per route and RSS, then the cold start of server.Runner
// on the seeded file until GET /api/health answers, in this process and as a new one.
func TestLoad100k(t *testing.T) {
	if os.Getenv("PAPERCLIP_LOAD") == "" {
		t.Skip("load benchmark: set PAPERCLIP_LOAD=1 (see BENCHMARKS.md)")
	}
	scale := envFloat("PAPERCLIP_LOAD_SCALE", 1)
	clients := int(envFloat("PAPERCLIP_LOAD_CLIENTS", 8))
	seconds := envFloat("PAPERCLIP_LOAD_SECONDS", 20)
	n := func(v int) int { return max(1, int(float64(v)*scale)) }
	spec := storetest.LargeSpec{Issues: n(100_000), Comments: n(1_000_000), Agents: n(1_000), CostEvents: n(100_000),
		Projects: 20, KeyedAgents: min(50, n(1_000)), Logf: t.Logf}

	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "db", "paperclip.db")
	start := time.Now()
	co, err := storetest.SeedLarge(ctx, dbPath, spec)
	if err != nil {
		t.Fatal(err)
	}
	seeded := time.Since(start)
	st, err := store.Open(ctx, dbPath, store.Options{StorageDir: filepath.Join(dir, "storage"), RunLogDir: filepath.Join(dir, "run-logs")})
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(dbPath)
	wal, _ := os.Stat(dbPath + "-wal")
	t.Logf("seeded %d issues, %d comments, %d agents, %d cost events in %s; db %d MB + wal %d MB",
		spec.Issues, spec.Comments, spec.Agents, spec.CostEvents, seeded.Round(time.Millisecond),
		fi.Size()>>20, sizeOf(wal)>>20)
	cid := co.Company.ID

	// The 100k-issue store paths, one caller at a time.
	board := storetest.Board()
	active := []string{"todo", "in_progress", "in_review", "blocked"}
	// Common words, rare words, an identifier and a miss, as people type them.
	searches := []string{"billing", storetest.SeedWord(1234), storetest.SeedWord(77) + " " + "fix", "login outage", storetest.SeedWord(4321),
		co.Company.IssuePrefix + "-4242", "rollback", "no such words here", storetest.SeedWord(999)[:5], "dashboard latency"}
	timeStore := func(name string, reps int, fn func(i int) error) {
		var d []time.Duration
		for i := range reps {
			t0 := time.Now()
			if err := fn(i); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d = append(d, time.Since(t0))
		}
		t.Logf("store %-34s p50 %8s  p99 %8s  (n=%d)", name, pct(d, 50), pct(d, 99), reps)
	}
	timeStore("search q= (10 terms)", 30, func(i int) error {
		_, err := st.FindIssues(board, store.IssueFilter{CompanyID: cid, Q: searches[i%len(searches)]})
		return err
	})
	timeStore("list status+assignee+project", 30, func(i int) error {
		_, err := st.FindIssues(board, store.IssueFilter{CompanyID: cid, Statuses: active, AssigneeAgent: co.Agents[i%len(co.Agents)],
			ProjectID: co.Projects[i%len(co.Projects)]})
		return err
	})
	timeStore("list default page (500)", 20, func(int) error {
		_, err := st.FindIssues(board, store.IssueFilter{CompanyID: cid})
		return err
	})
	timeStore("dashboard", 20, func(int) error { _, err := st.FindDashboard(board, cid); return err })
	timeStore("sidebar badges", 20, func(int) error { _, err := st.FindSidebarBadges(board, cid); return err })

	// The HTTP mix.
	cfg := loadConfig(dir, dbPath)
	// Agents heartbeat inside a run, with the run JWT the runtime would give them.
	tokens := make([]string, len(co.Runs))
	for i, run := range co.Runs {
		a, err := st.FindAgentByID(ctx, co.Agents[i])
		if err != nil {
			t.Fatal(err)
		}
		if tokens[i], err = runjwt.Mint(runjwt.Config{Secret: cfg.AgentJWTSecret}, a, run, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// The server runs in its own process (this test binary, TestLoadServer), so its
	// RSS is the server's alone: not the seed's, the clients' or the test's.
	st.Close()
	child, addr := startLoadServer(t, dir, dbPath)
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}, Timeout: time.Minute}
	rec := newLoadRecorder()
	call := func(route, method, path, token string, body any) (int, []byte) {
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		if rd != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", route, err)
			return 0, nil
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		rec.add(route, time.Since(t0), res.StatusCode)
		if res.StatusCode >= 500 {
			t.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
		}
		return res.StatusCode, data
	}
	deadline := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				if w%2 == 0 { // an agent's heartbeat
					k := (w/2 + i*clients) % len(tokens)
					agent, key := co.Agents[k], tokens[k]
					_, raw := call("agent inbox", "GET", "/api/agents/me/inbox-lite", key, nil)
					var inbox []struct {
						ID     string `json:"id"`
						Status string `json:"status"`
					}
					json.Unmarshal(raw, &inbox)
					for _, it := range inbox {
						if it.Status != "todo" {
							continue
						}
						if code, _ := call("agent checkout", "POST", "/api/issues/"+it.ID+"/checkout", key,
							map[string]any{"agentId": agent, "expectedStatuses": []string{"todo"}}); code == 200 {
							call("agent heartbeat context", "GET", "/api/issues/"+it.ID+"/heartbeat-context", key, nil)
							call("agent comment", "POST", "/api/issues/"+it.ID+"/comments", key, map[string]any{"body": "Working on it: " + strconv.Itoa(i)})
							call("agent status", "PATCH", "/api/issues/"+it.ID, key, map[string]any{"status": "in_review", "comment": "Ready for review"})
						}
						break
					}
					continue
				}
				// the board
				switch i % 6 {
				case 0:
					call("board list", "GET", "/api/companies/"+cid+"/issues?status=todo,in_progress,in_review,blocked", "", nil)
				case 1:
					call("board search", "GET", "/api/companies/"+cid+"/issues?q="+url.QueryEscape(searches[i%len(searches)])+"&limit=20", "", nil)
				case 2:
					call("board detail", "GET", "/api/issues/"+co.Company.IssuePrefix+"-"+strconv.Itoa(1+(i*7919)%spec.Issues), "", nil)
				case 3: // the detail page's comment thread
					call("board comments", "GET", "/api/issues/"+co.Company.IssuePrefix+"-"+strconv.Itoa(1+(i*7919)%spec.Issues)+"/comments", "", nil)
				case 4:
					call("board dashboard", "GET", "/api/companies/"+cid+"/dashboard", "", nil)
				case 5:
					call("board sidebar badges", "GET", "/api/companies/"+cid+"/sidebar-badges", "", nil)
				}
			}
		}()
	}
	wg.Wait()
	rec.report(t, seconds)
	t.Logf("server RSS after the mix: %s", rss(child.Process.Pid))

	// List every issue of the company, 1000 a page, as a client exporting them would.
	t0 := time.Now()
	for off := 0; off < spec.Issues; off += 1000 {
		call("list all (1000/page)", "GET", fmt.Sprintf("/api/companies/%s/issues?includeHidden=true&limit=1000&offset=%d", cid, off), "", nil)
	}
	t.Logf("listed all %d issues in %s; server RSS %s", spec.Issues, time.Since(t0).Round(time.Millisecond), rss(child.Process.Pid))
	child.Process.Signal(os.Interrupt)
	if err := child.Wait(); err != nil {
		t.Errorf("load server: %v", err)
	}

	// Cold start: open the seeded file and run the server until /api/health answers.
	fi, _ = os.Stat(dbPath)
	for round := range 3 {
		t0 := time.Now()
		st2, err := store.Open(ctx, dbPath, store.Options{StorageDir: cfg.StorageDir, RunLogDir: cfg.RunLogDir})
		if err != nil {
			t.Fatal(err)
		}
		ln2, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- server.Runner{Config: cfg, Store: st2, UI: web.FS()}.Run(runCtx, ln2) }()
		for {
			res, err := http.Get("http://" + ln2.Addr().String() + "/api/health")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					break
				}
			}
			if time.Since(t0) > time.Minute {
				t.Fatal("no health in a minute")
			}
			time.Sleep(time.Millisecond)
		}
		t.Logf("cold start %d: store.Open + Runner until /api/health 200 in %s (db %d MB)", round, time.Since(t0).Round(100*time.Microsecond), fi.Size()>>20)
		cancel()
		<-done
		st2.Close()
	}
	// And as a new process: exec of the binary, store.Open and Runner until healthy.
	t0 = time.Now()
	cold, addr := startLoadServer(t, dir, dbPath)
	for {
		res, err := http.Get("http://" + addr + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Since(t0) > time.Minute {
			t.Fatal("no health in a minute")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("cold start, new process: exec until /api/health 200 in %s; RSS %s", time.Since(t0).Round(100*time.Microsecond), rss(cold.Process.Pid))
	cold.Process.Signal(os.Interrupt)
	if err := cold.Wait(); err != nil {
		t.Errorf("load server: %v", err)
	}
}

// startLoadServer runs TestLoadServer in a child process on the seeded database and
// returns it with the address it serves; the test kills it if it is still running
// at the end.
func startLoadServer(t *testing.T, dir, dbPath string) (*exec.Cmd, string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadServer$")
	cmd.Env = append(os.Environ(), "PAPERCLIP_LOAD_SERVER="+dir, "PAPERCLIP_LOAD_DB="+dbPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "load server listening on "); ok {
			go io.Copy(io.Discard, out)
			return cmd, addr
		}
	}
	t.Fatalf("load server exited without listening: %v", lines.Err())
	return nil, ""
}

// TestLoadServer is the server process of TestLoad100k: it serves the database
// PAPERCLIP_LOAD_DB with server.Runner until interrupted.
func TestLoadServer(t *testing.T) {
	dir := os.Getenv("PAPERCLIP_LOAD_SERVER")
	if dir == "" {
		t.Skip("the server process of TestLoad100k")
	}
	dbPath := os.Getenv("PAPERCLIP_LOAD_DB")
	cfg := loadConfig(dir, dbPath)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := store.Open(ctx, dbPath, store.Options{StorageDir: cfg.StorageDir, RunLogDir: cfg.RunLogDir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("load server listening on %s\n", ln.Addr())
	if err := (server.Runner{Config: cfg, Store: st, UI: web.FS()}).Run(ctx, ln); err != nil {
		t.Fatal(err)
	}
}

func loadConfig(dir, dbPath string) server.Config {
	return server.Config{
		Version: "load", DeploymentMode: server.ModeLocalTrusted, Exposure: server.ExposurePrivate,
		Host: "127.0.0.1", ServeUI: true, InstanceDir: dir, DatabasePath: dbPath,
		StorageDir: filepath.Join(dir, "storage"), BackupDir: filepath.Join(dir, "backups"), RunLogDir: filepath.Join(dir, "run-logs"),
		AgentJWTSecret: strings.Repeat("ab", 32),
	}
}

// loadRecorder collects latencies and status codes per route.
type loadRecorder struct {
	mu    sync.Mutex
	lat   map[string][]time.Duration
	codes map[string]map[int]int
}

func newLoadRecorder() *loadRecorder {
	return &loadRecorder{lat: map[string][]time.Duration{}, codes: map[string]map[int]int{}}
}

func (r *loadRecorder) add(route string, d time.Duration, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat[route] = append(r.lat[route], d)
	if r.codes[route] == nil {
		r.codes[route] = map[int]int{}
	}
	r.codes[route][code]++
}

func (r *loadRecorder) report(t *testing.T, seconds float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	routes := make([]string, 0, len(r.lat))
	total := 0
	for k, v := range r.lat {
		routes = append(routes, k)
		total += len(v)
	}
	sort.Strings(routes)
	t.Logf("HTTP mix: %d requests in %.0f s = %.0f req/s", total, seconds, float64(total)/seconds)
	for _, k := range routes {
		t.Logf("  %-22s n=%6d  p50 %8s  p99 %8s  statuses %v", k, len(r.lat[k]), pct(r.lat[k], 50), pct(r.lat[k], 99), r.codes[k])
	}
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond)
}

// rss reads a process's resident and peak memory from /proc.
func rss(pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	var parts []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
			parts = append(parts, strings.Join(strings.Fields(l), " "))
		}
	}
	return strings.Join(parts, ", ")
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}
