package heartbeat

import (
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// EnvSpec is what an agent child's environment is built from.
type EnvSpec struct {
	// Server is the server process's environment, KEY=value (os.Environ() at the
	// caller). Only allowlisted variables pass: the server holds the agent JWT secret
	// and the secrets master key, and a child holding the JWT secret could mint tokens
	// for any agent.
	Server []string
	// Inherit adds adapter-specific variables to the allowlist (InheritedBy).
	Inherit []string
	// Bindings are env maps resolved to plain values: the agent's adapterConfig.env,
	// then the project's; a later map wins per key. PAPERCLIP_* keys are ignored.
	Bindings []map[string]string
	// Run are the run's PAPERCLIP_* variables, which nothing overrides.
	Run RunVars
}

// RunVars are the variables the runtime gives every run (runtime.md §16.1); empty
// fields are left out.
type RunVars struct {
	AgentID, CompanyID, APIURL, RunID string
	// APIKey is the run JWT (local adapters only).
	APIKey                            string
	TaskID, WakeReason, WakeCommentID string
	ApprovalID, ApprovalStatus        string
	LinkedIssueIDs                    []string
	WakePayloadJSON                   string
	WorkspaceCwd, WorkspaceSource     string
	AgentHome                         string
}

func (v RunVars) pairs() [][2]string {
	return [][2]string{
		{"PAPERCLIP_AGENT_ID", v.AgentID}, {"PAPERCLIP_COMPANY_ID", v.CompanyID}, {"PAPERCLIP_API_URL", v.APIURL},
		{"PAPERCLIP_RUN_ID", v.RunID}, {"PAPERCLIP_API_KEY", v.APIKey}, {"PAPERCLIP_TASK_ID", v.TaskID},
		{"PAPERCLIP_WAKE_REASON", v.WakeReason}, {"PAPERCLIP_WAKE_COMMENT_ID", v.WakeCommentID},
		{"PAPERCLIP_APPROVAL_ID", v.ApprovalID}, {"PAPERCLIP_APPROVAL_STATUS", v.ApprovalStatus},
		{"PAPERCLIP_LINKED_ISSUE_IDS", strings.Join(v.LinkedIssueIDs, ",")},
		{"PAPERCLIP_WAKE_PAYLOAD_JSON", v.WakePayloadJSON},
		{"PAPERCLIP_WORKSPACE_CWD", v.WorkspaceCwd}, {"PAPERCLIP_WORKSPACE_SOURCE", v.WorkspaceSource},
		{"AGENT_HOME", v.AgentHome},
	}
}

// BuildEnv returns the child environment as sorted KEY=value pairs, and the binding
// keys it ignored because they name reserved PAPERCLIP_* variables (the runner
// reports them as warning events).
func BuildEnv(spec EnvSpec) (env []string, ignored []string) {
	vars := map[string]string{}
	allowed := map[string]bool{}
	for _, k := range spec.Inherit {
		allowed[envKey(k)] = true
	}
	for _, kv := range spec.Server {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k != "" && (inheritable(envKey(k)) || allowed[envKey(k)]) {
			vars[k] = v
		}
	}
	augmentPath(vars)
	seen := map[string]bool{}
	for _, b := range spec.Bindings {
		for k, v := range b {
			if strings.HasPrefix(strings.ToUpper(k), "PAPERCLIP_") {
				if !seen[k] {
					seen[k] = true
					ignored = append(ignored, k)
				}
				continue
			}
			if k != "" && !strings.Contains(k, "=") {
				vars[k] = v
			}
		}
	}
	for _, p := range spec.Run.pairs() {
		if p[1] != "" {
			vars[p[0]] = p[1]
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	sort.Strings(ignored)
	return env, ignored
}

// PlainBindings are the env bindings of an adapterConfig that need no secrets store:
// plain strings and {type:"plain", value}. Secret references are left out; the runner
// resolves them itself and passes the result as a further Bindings map.
func PlainBindings(adapterConfig map[string]any) map[string]string {
	out := map[string]string{}
	bindings, _ := adapterConfig["env"].(map[string]any)
	for k, v := range bindings {
		switch b := v.(type) {
		case string:
			out[k] = b
		case map[string]any:
			if val, ok := b["value"].(string); ok && b["type"] == "plain" {
				out[k] = val
			}
		}
	}
	return out
}

// envKey normalises a variable name for the allowlist: Windows names are
// case-insensitive.
func envKey(k string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(k)
	}
	return k
}

// inheritable is the base allowlist: what a CLI needs to find itself, its home, its
// locale, its terminal and the network. Everything else of the server stays behind,
// notably PAPERCLIP_AGENT_JWT_SECRET, PAPERCLIP_SECRETS_MASTER_KEY, DATABASE_URL and
// the Claude nesting guards (CLAUDECODE, ...).
func inheritable(k string) bool {
	switch k {
	case "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP",
		"TERM", "COLORTERM", "NO_COLOR",
		"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
		"SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
		// Windows.
		"SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "USERPROFILE", "USERNAME", "HOMEDRIVE", "HOMEPATH",
		"APPDATA", "LOCALAPPDATA", "PROGRAMDATA", "PROGRAMFILES", "PROGRAMFILES(X86)", "PROCESSOR_ARCHITECTURE":
		return true
	}
	return strings.HasPrefix(k, "LC_")
}

// augmentPath appends the usual install directories of agent CLIs to the PATH of
// vars when missing: servers started by a double-click inherit a minimal PATH.
func augmentPath(vars map[string]string) {
	get := func(name string) (string, string) {
		for k, v := range vars {
			if envKey(k) == name {
				return k, v
			}
		}
		return name, ""
	}
	key, path := get("PATH")
	var extra []string
	if runtime.GOOS == "windows" {
		if _, appData := get("APPDATA"); appData != "" {
			extra = append(extra, filepath.Join(appData, "npm"))
		}
		if _, local := get("LOCALAPPDATA"); local != "" {
			extra = append(extra, filepath.Join(local, "Programs"))
		}
	} else {
		extra = []string{"/usr/local/bin", "/opt/homebrew/bin"}
		if _, home := get("HOME"); home != "" {
			for _, d := range []string{".local/bin", ".npm-global/bin", ".bun/bin", ".volta/bin", ".claude/local"} {
				extra = append(extra, filepath.Join(home, d))
			}
		}
	}
	var parts []string
	if path != "" {
		parts = filepath.SplitList(path)
	}
	have := map[string]bool{}
	for _, p := range parts {
		have[p] = true
	}
	for _, d := range extra {
		if !have[d] {
			parts = append(parts, d)
			have[d] = true
		}
	}
	vars[key] = strings.Join(parts, string(filepath.ListSeparator))
}
