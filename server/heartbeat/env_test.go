package heartbeat_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"paperclip/server/heartbeat"
)

// childEnv runs a real child with env and returns what it sees.
func childEnv(t *testing.T, env []string) map[string]string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	cmd := exec.Command(sh, "-c", "env")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			seen[k] = v
		}
	}
	return seen
}

func TestBuildEnvPassesOnlyTheAllowlist(t *testing.T) {
	server := []string{
		"PATH=/usr/bin:/bin", "HOME=/home/op", "USER=op", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TMPDIR=/tmp", "TERM=xterm",
		"SHELL=/bin/sh", "ANTHROPIC_API_KEY=sk-operator",
		"PAPERCLIP_AGENT_JWT_SECRET=jwt-secret-value", "PAPERCLIP_SECRETS_MASTER_KEY=master-key-value",
		"PAPERCLIP_SECRETS_MASTER_KEY_FILE=/secret/file", "DATABASE_URL=postgres://x", "CLAUDECODE=1",
		"RANDOM_SERVER_VAR_7f3a=leak", "PAPERCLIP_API_URL=http://server-own",
	}
	adapterConfig := map[string]any{"env": map[string]any{
		"PLAIN":             "p1",
		"TYPED":             map[string]any{"type": "plain", "value": "t1"},
		"REF":               map[string]any{"type": "secret_ref", "secretId": "s1"},
		"PAPERCLIP_RUN_ID":  "forged-run",
		"PAPERCLIP_API_KEY": "forged-key",
		"LANG":              "de_DE.UTF-8",
	}}
	env, ignored := heartbeat.BuildEnv(heartbeat.EnvSpec{
		Server:   server,
		Inherit:  []string{"ANTHROPIC_API_KEY"},
		Bindings: []map[string]string{heartbeat.PlainBindings(adapterConfig), {"PLAIN": "project-wins"}},
		Run:      heartbeat.RunVars{AgentID: "a1", CompanyID: "c1", RunID: "r1", APIKey: "run-jwt", APIURL: "http://127.0.0.1:3100", LinkedIssueIDs: []string{"i1", "i2"}},
	})
	if !slices.IsSorted(env) {
		t.Errorf("env not sorted: %v", env)
	}
	if want := []string{"PAPERCLIP_API_KEY", "PAPERCLIP_RUN_ID"}; !slices.Equal(ignored, want) {
		t.Errorf("ignored %v, want %v", ignored, want)
	}
	got := childEnv(t, env)
	for _, k := range []string{"PAPERCLIP_AGENT_JWT_SECRET", "PAPERCLIP_SECRETS_MASTER_KEY", "PAPERCLIP_SECRETS_MASTER_KEY_FILE",
		"DATABASE_URL", "CLAUDECODE", "RANDOM_SERVER_VAR_7f3a", "REF", "PAPERCLIP_TASK_ID"} {
		if v, ok := got[k]; ok {
			t.Errorf("%s reached the child (%q)", k, v)
		}
	}
	for _, secret := range []string{"jwt-secret-value", "master-key-value", "leak", "forged"} {
		for _, kv := range env {
			if strings.Contains(kv, secret) {
				t.Errorf("env carries %q: %s", secret, kv)
			}
		}
	}
	want := map[string]string{
		"HOME": "/home/op", "USER": "op", "LC_ALL": "C.UTF-8", "TMPDIR": "/tmp", "TERM": "xterm", "SHELL": "/bin/sh",
		"ANTHROPIC_API_KEY": "sk-operator", "LANG": "de_DE.UTF-8", "PLAIN": "project-wins", "TYPED": "t1",
		"PAPERCLIP_AGENT_ID": "a1", "PAPERCLIP_COMPANY_ID": "c1", "PAPERCLIP_RUN_ID": "r1", "PAPERCLIP_API_KEY": "run-jwt",
		"PAPERCLIP_API_URL": "http://127.0.0.1:3100", "PAPERCLIP_LINKED_ISSUE_IDS": "i1,i2",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	path := strings.Split(got["PATH"], ":")
	if len(path) < 3 || path[0] != "/usr/bin" || path[1] != "/bin" || !slices.Contains(path, "/home/op/.local/bin") {
		t.Errorf("PATH %q: want the server's first, then the CLI install dirs", got["PATH"])
	}
}

func TestBuildEnvWithoutInheritKeepsAdapterKeysBack(t *testing.T) {
	env, _ := heartbeat.BuildEnv(heartbeat.EnvSpec{Server: []string{"ANTHROPIC_API_KEY=sk", "HOME=/h", "=bad", "NOEQUALS"}})
	for _, kv := range env {
		if strings.HasPrefix(kv, "ANTHROPIC_API_KEY=") || strings.HasPrefix(kv, "=") || kv == "NOEQUALS" {
			t.Errorf("unexpected %q", kv)
		}
	}
	if !slices.Contains(env, "HOME=/h") {
		t.Errorf("HOME missing: %v", env)
	}
}
