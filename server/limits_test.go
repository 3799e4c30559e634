package server_test

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every string an API client can store has a cap, refused with a 400 naming the
// field (docs/api-limits.md).
func TestOverlongInputsAreRefusedNamingTheField(t *testing.T) {
	e := newEnv(t)
	cid := e.mustCompany("Caps")["id"].(string)
	agent := e.mustAgent(cid, map[string]any{"name": "Capped"})["id"].(string)
	is := e.mustIssue(cid, map[string]any{"title": "Capped issue"})["id"].(string)
	long := func(n int) string { return strings.Repeat("é", n) }
	field := func(name string, n int) string {
		return fmt.Sprintf(`"path":["%s"],"code":"too_big","message":"String must contain at most %d character(s)"`, name, n)
	}
	e.run(t, []scenario{
		{"company name", "POST", "/api/companies", map[string]any{"name": long(501)}, nil, 400, []string{field("name", 500)}},
		{"company description", "POST", "/api/companies", map[string]any{"name": "C", "description": long(100001)}, nil, 400, []string{field("description", 100000)}},
		{"company patch name", "PATCH", "/api/companies/" + cid, map[string]any{"name": long(501)}, nil, 400, []string{field("name", 500)}},
		{"issue title", "POST", "/api/companies/" + cid + "/issues", map[string]any{"title": long(501)}, nil, 400, []string{field("title", 500)}},
		{"issue description", "POST", "/api/companies/" + cid + "/issues", map[string]any{"title": "T", "description": long(100001)}, nil, 400, []string{field("description", 100000)}},
		{"issue billing code", "POST", "/api/companies/" + cid + "/issues", map[string]any{"title": "T", "billingCode": long(501)}, nil, 400, []string{field("billingCode", 500)}},
		{"issue patch title", "PATCH", "/api/issues/" + is, map[string]any{"title": long(501)}, nil, 400, []string{field("title", 500)}},
		{"issue label ids", "PATCH", "/api/issues/" + is, map[string]any{"labelIds": make([]string, 101)}, nil, 400, []string{`"path":["labelIds"],"code":"too_big"`}},
		{"issue overrides object", "PATCH", "/api/issues/" + is, map[string]any{"assigneeAdapterOverrides": map[string]any{"x": long(60000)}}, nil, 400, []string{`"path":["assigneeAdapterOverrides"],"code":"too_big"`}},
		{"comment body", "POST", "/api/issues/" + is + "/comments", map[string]any{"body": long(100001)}, nil, 400, []string{field("body", 100000)}},
		{"document body", "PUT", "/api/issues/" + is + "/documents/plan", map[string]any{"format": "markdown", "body": strings.Repeat("a", 524289)}, nil, 400, []string{field("body", 524288)}},
		{"agent name", "POST", "/api/companies/" + cid + "/agents", map[string]any{"name": long(501)}, nil, 400, []string{field("name", 500)}},
		{"agent title", "PATCH", "/api/agents/" + agent, map[string]any{"title": long(501)}, nil, 400, []string{field("title", 500)}},
		{"agent capabilities", "PATCH", "/api/agents/" + agent, map[string]any{"capabilities": long(10001)}, nil, 400, []string{field("capabilities", 10000)}},
		{"agent metadata", "PATCH", "/api/agents/" + agent, map[string]any{"metadata": map[string]any{"x": long(60000)}}, nil, 400, []string{`"path":["metadata"],"code":"too_big"`}},
		{"agent key name", "POST", "/api/agents/" + agent + "/keys", map[string]any{"name": long(501)}, nil, 400, []string{field("name", 500)}},
		{"label name", "POST", "/api/companies/" + cid + "/labels", map[string]any{"name": long(501), "color": "#112233"}, nil, 400, []string{`"path":["name"]`}},
		{"at the cap is fine", "POST", "/api/companies/" + cid + "/issues", map[string]any{"title": long(500), "description": long(100000)}, nil, 201, nil},
	})
	// The activity row of an issue carries a short title whatever the issue's own.
	for _, a := range e.do("GET", "/api/companies/"+cid+"/activity?action=issue.created", nil).List() {
		if title, _ := a["details"].(map[string]any)["title"].(string); len([]rune(title)) > 200 {
			t.Fatalf("activity title of %d characters", len([]rune(title)))
		}
	}
}

// maxListHeapGrowth is the stated bound: with 40 issues at every cap, 8 clients
// listing them 5 times each in parallel must not grow the live heap by more than
// this. Rows are at most a 500-character title and a 1200-character description
// excerpt, and replies are streamed row by row, so the real growth is a few MiB; the
// 9 MiB titles this replaces took one process to 3.1 GB.
const maxListHeapGrowth = 32 << 20

func TestParallelListsOfMaximalRowsStayWithinHeapBound(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 40 maximal issues")
	}
	e := newEnv(t)
	cid := e.mustCompany("Heap")["id"].(string)
	// A control character costs 6 bytes of JSON (\u0001), the worst expansion of a title.
	title := "T" + strings.Repeat("\x01", 499)
	desc := strings.Repeat("€", 100000)
	const issues = 40
	for i := range issues {
		r := e.do("POST", "/api/companies/"+cid+"/issues", map[string]any{"title": fmt.Sprint(i) + title[len(fmt.Sprint(i)):], "description": desc})
		if r.Status != http.StatusCreated {
			t.Fatalf("issue %d: %d %s", i, r.Status, r.Body)
		}
	}

	// A low GC target makes the sampled heap track live memory, not the garbage a
	// default pacer would let pile up before collecting.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	var bytesRead atomic.Int64
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				res, err := http.Get(e.srv.URL + "/api/companies/" + cid + "/issues")
				if err != nil {
					errs <- err
					return
				}
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					errs <- fmt.Errorf("list: %d", res.StatusCode)
					return
				}
				bytesRead.Add(n)
			}
		}()
	}
	wg.Wait()
	close(done)
	<-sampled
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	growth := int64(peak.Load()) - int64(base)
	t.Logf("40 lists, %d bytes sent, heap %d MiB at rest, peak growth %d KiB (bound %d MiB)",
		bytesRead.Load(), base>>20, growth>>10, maxListHeapGrowth>>20)
	if growth > maxListHeapGrowth {
		t.Fatalf("heap grew by %d MiB during parallel lists, bound %d MiB", growth>>20, maxListHeapGrowth>>20)
	}
}
