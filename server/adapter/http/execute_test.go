package http_test

import (
	"context"
	"encoding/json"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"testing"
	"time"

	httpadapter "paperclip/server/adapter/http"
	"paperclip/server/heartbeat"
	"paperclip/store"
)

func TestHTTPExecutePostsTheWake(t *testing.T) {
	var got map[string]any
	var header nethttp.Header
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		raw, _ := io.ReadAll(r.Body)
		json.Unmarshal(raw, &got)
		header = r.Header
		switch r.URL.Path {
		case "/slow":
			time.Sleep(2 * time.Second)
		case "/fail":
			w.WriteHeader(nethttp.StatusBadGateway)
		case "/redirect":
			nethttp.Redirect(w, r, "/ok", nethttp.StatusFound)
			return
		}
		w.Write([]byte(`{"accepted":true}`))
	}))
	defer srv.Close()
	inv := heartbeat.Invocation{RunID: "run-1", Agent: store.Agent{ID: "a1", CompanyID: "c1", Name: "Remote"},
		Context: map[string]any{"wakeReason": "issue_assigned"},
		Config: map[string]any{"url": srv.URL + "/ok", "headers": map[string]any{"Authorization": "Bearer pcp_x"},
			"payloadTemplate": map[string]any{"text": "wake {{agent.name}} for {{context.wakeReason}}"}}}
	res, err := httpadapter.New().Execute(context.Background(), inv)
	if err != nil || res.ErrorMessage != "" || res.Summary != "HTTP POST "+srv.URL+"/ok" {
		t.Fatalf("execute: %+v %v", res, err)
	}
	if got["text"] != "wake Remote for issue_assigned" || got["runId"] != "run-1" || got["agentId"] != "a1" ||
		got["context"].(map[string]any)["wakeReason"] != "issue_assigned" {
		t.Errorf("body %v", got)
	}
	if header.Get("X-Paperclip-Run-Id") != "run-1" || header.Get("Authorization") != "Bearer pcp_x" ||
		header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", header)
	}
	if body := res.ResultJSON["body"].(map[string]any); body["accepted"] != true || res.ResultJSON["status"] != 200 {
		t.Errorf("result %v", res.ResultJSON)
	}
	for path, want := range map[string]string{"/fail": "HTTP invoke failed with status 502", "/redirect": "HTTP invoke failed with status 302"} {
		inv.Config["url"] = srv.URL + path
		res, _ = httpadapter.New().Execute(context.Background(), inv)
		if res.ErrorMessage != want || res.ErrorCode != "adapter_failed" {
			t.Errorf("%s: %+v", path, res)
		}
	}
	inv.Config["url"], inv.Config["timeoutMs"] = srv.URL+"/slow", float64(100)
	if res, _ = httpadapter.New().Execute(context.Background(), inv); !res.TimedOut {
		t.Errorf("slow webhook: %+v", res)
	}
}
