package process_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"paperclip/server/adapter/process"
	"paperclip/server/heartbeat"
)

func TestProcessEnvironmentChecks(t *testing.T) {
	a := process.New()
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cfg  map[string]any
		want map[string]string
	}{
		{map[string]any{}, map[string]string{"command_missing": heartbeat.LevelError}},
		{map[string]any{"command": "sh", "cwd": dir}, map[string]string{"command_ok": heartbeat.LevelInfo, "cwd_ok": heartbeat.LevelInfo}},
		{map[string]any{"command": "/nonexistent/agent", "cwd": "rel/dir"}, map[string]string{"command_not_found": heartbeat.LevelError, "cwd_not_absolute": heartbeat.LevelWarn}},
		{map[string]any{"command": "sh", "cwd": filepath.Join(dir, "later")}, map[string]string{"cwd_missing": heartbeat.LevelWarn}},
		{map[string]any{"command": "sh", "cwd": file}, map[string]string{"cwd_not_directory": heartbeat.LevelError}},
	}
	for _, tc := range cases {
		got := map[string]string{}
		for _, c := range a.TestEnvironment(ctx, tc.cfg) {
			got[c.Code] = c.Level
		}
		for code, lvl := range tc.want {
			if got[code] != lvl {
				t.Errorf("%v: checks %v, want %s=%s", tc.cfg, got, code, lvl)
			}
		}
	}
	if m := a.Models(ctx); m == nil || len(m) != 0 {
		t.Errorf("models %v, want an empty list", m)
	}
}
