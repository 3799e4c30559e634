package http_test

import (
	"context"
	"testing"

	httpadapter "paperclip/server/adapter/http"
	"paperclip/server/heartbeat"
)

func codes(checks []heartbeat.EnvCheck) map[string]string {
	m := map[string]string{}
	for _, c := range checks {
		m[c.Code] = c.Level
	}
	return m
}

func TestHTTPEnvironmentChecks(t *testing.T) {
	a := httpadapter.New()
	ctx := context.Background()
	cases := []struct {
		cfg  map[string]any
		code string
		lvl  string
	}{
		{map[string]any{}, "url_missing", heartbeat.LevelError},
		{map[string]any{"url": "ftp://x"}, "url_invalid", heartbeat.LevelError},
		{map[string]any{"url": "https://"}, "url_invalid", heartbeat.LevelError},
		{map[string]any{"url": "https://agents.example/wake"}, "url_ok", heartbeat.LevelInfo},
		{map[string]any{"url": "https://agents.example/wake", "method": "delete"}, "method_unusual", heartbeat.LevelWarn},
		{map[string]any{"url": "http://h", "env": map[string]any{"PAPERCLIP_RUN_ID": "x"}}, "env_reserved", heartbeat.LevelWarn},
	}
	for _, tc := range cases {
		if got := codes(a.TestEnvironment(ctx, tc.cfg)); got[tc.code] != tc.lvl {
			t.Errorf("%v: checks %v, want %s=%s", tc.cfg, got, tc.code, tc.lvl)
		}
	}
	if got := codes(a.TestEnvironment(ctx, map[string]any{"url": "http://h", "method": "put"})); got["method_unusual"] != "" {
		t.Errorf("PUT flagged: %v", got)
	}
	if len(a.Models(ctx)) != 0 {
		t.Error("http adapter lists models")
	}
	if res, err := a.Execute(ctx, heartbeat.Invocation{}); err != nil || res.ErrorMessage != "HTTP adapter missing url" {
		t.Errorf("execute without url: %+v %v", res, err)
	}
}
