package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMainVersion goes through the exported entry point with real process wiring.
func TestMainVersion(t *testing.T) {
	for _, flag := range []string{"-V", "--version"} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{flag}, strings.NewReader(""), &out, &errb)
		want := "paperclip dev (unknown, " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
		if code != 0 || out.String() != want {
			t.Errorf("%s: exit %d, stdout %q, want %q (stderr %q)", flag, code, out.String(), want, errb.String())
		}
	}
}

// TestMainUsageErrorExit2 checks that a typo is told apart from a failure: exit 2, the
// mistake, a suggestion and the usage of the command it happened in.
func TestMainUsageErrorExit2(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		first   string
		suggest string
		usage   string
	}{
		{[]string{"no-such-command"}, `Error: unknown command "no-such-command" for "paperclip"`, "", "paperclip [command]"},
		{[]string{"isue"}, `Error: unknown command "isue" for "paperclip"`, "  issue", "paperclip [command]"},
		{[]string{"issue", "lst"}, `Error: unknown command "lst" for "paperclip issue"`, "  list", "paperclip issue [command]"},
		{[]string{"issue", "list", "--stauts", "todo"}, "Error: unknown flag: --stauts", "  --status", "paperclip issue list [flags]"},
		{[]string{"issue", "get"}, "Error: requires argument <idOrIdentifier>", "", "paperclip issue get <idOrIdentifier> [flags]"},
		{[]string{"issue", "create", "-C", "x"}, `Error: required flag(s) "title" not set`, "", "paperclip issue create [flags]"},
	} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", tt.args, code, errb.String())
			continue
		}
		lines := strings.Split(errb.String(), "\n")
		if lines[0] != tt.first {
			t.Errorf("%v: first line %q, want %q", tt.args, lines[0], tt.first)
		}
		if tt.suggest != "" && (len(lines) < 3 || lines[1] != "Did you mean this?" || !strings.Contains(errb.String(), tt.suggest+"\n")) {
			t.Errorf("%v: no suggestion %q in\n%s", tt.args, tt.suggest, errb.String())
		}
		if !strings.Contains(errb.String(), "Usage:\n") || !strings.Contains(errb.String(), "\n  "+tt.usage+"\n") {
			t.Errorf("%v: usage %q missing in\n%s", tt.args, tt.usage, errb.String())
		}
	}
}

// TestMainReadsProcessEnvironment checks that Main, not only the test harness, resolves
// the instance from the real environment and refuses a bad PAPERCLIP_INSTANCE_ID.
func TestMainReadsProcessEnvironment(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("PAPERCLIP_HOME", filepath.Join(home, "pc"))
	t.Setenv("PAPERCLIP_INSTANCE_ID", "no spaces")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"doctor"}, strings.NewReader(""), &out, &errb)
	if code != 1 || strings.TrimSpace(errb.String()) != `Invalid instance id "no spaces"` {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(home, "pc")); !os.IsNotExist(err) {
		t.Fatalf("home was created for an invalid instance: %v", err)
	}
}

// TestInstanceResolution checks §2's precedence through the onboard header line, which
// is printed before the non-TTY refusal.
func TestInstanceResolution(t *testing.T) {
	e := newCLIEnv(t)
	cwd, _ := os.Getwd()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		home string
		id   string
		cfg  string
	}{
		{"defaults", map[string]string{"PAPERCLIP_HOME": ""}, nil,
			filepath.Join(e.home, ".paperclip"), "default", filepath.Join(e.home, ".paperclip", "instances", "default", "config.json")},
		{"PAPERCLIP_HOME", nil, nil, e.pcHome, "default", filepath.Join(e.pcHome, "instances", "default", "config.json")},
		{"--data-dir beats PAPERCLIP_HOME", nil, []string{"-d", "/srv/pc"}, "/srv/pc", "default", "/srv/pc/instances/default/config.json"},
		{"--data-dir with ~", nil, []string{"--data-dir", "~/other"}, filepath.Join(e.home, "other"), "default",
			filepath.Join(e.home, "other", "instances", "default", "config.json")},
		{"relative --data-dir", nil, []string{"-d", "rel"}, filepath.Join(cwd, "rel"), "default",
			filepath.Join(cwd, "rel", "instances", "default", "config.json")},
		{"PAPERCLIP_INSTANCE_ID", map[string]string{"PAPERCLIP_INSTANCE_ID": "work"}, nil, e.pcHome, "work",
			filepath.Join(e.pcHome, "instances", "work", "config.json")},
		{"-i beats PAPERCLIP_INSTANCE_ID", map[string]string{"PAPERCLIP_INSTANCE_ID": "work"}, []string{"-i", "play"}, e.pcHome, "play",
			filepath.Join(e.pcHome, "instances", "play", "config.json")},
		{"PAPERCLIP_CONFIG", map[string]string{"PAPERCLIP_CONFIG": "/etc/pc/config.json"}, nil, e.pcHome, "default", "/etc/pc/config.json"},
		{"--config beats PAPERCLIP_CONFIG", map[string]string{"PAPERCLIP_CONFIG": "/etc/pc/config.json"}, []string{"-c", "~/my.json"},
			e.pcHome, "default", filepath.Join(e.home, "my.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range e.env {
				env[k] = v
			}
			for k, v := range tt.env {
				if v == "" {
					delete(env, k)
				} else {
					env[k] = v
				}
			}
			e := &cliEnv{t: t, home: e.home, pcHome: e.pcHome, env: env, now: e.now}
			home, id, cfg := tt.home, tt.id, tt.cfg
			r := e.run("", append([]string{"onboard"}, tt.args...)...)
			want := "Paperclip onboard — home: " + home + " | instance: " + id + " | config: " + cfg + "\n"
			if !strings.HasPrefix(r.stdout, want) {
				t.Fatalf("header = %q\nwant     %q", strings.SplitN(r.stdout, "\n", 2)[0]+"\n", want)
			}
			if r.code != 1 {
				t.Fatalf("non-TTY onboard exit %d, want 1", r.code)
			}
		})
	}
}

func TestInvalidInstanceID(t *testing.T) {
	for _, args := range [][]string{{"doctor", "-i", "a b"}, {"onboard", "--instance", "../x"}, {"run", "-i", "é"}} {
		e := newCLIEnv(t)
		r := e.run("", args...)
		want := `Invalid instance id "` + args[2] + `"`
		if r.code != 1 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("%v: exit %d stderr %q, want %q", args, r.code, r.stderr, want)
		}
	}
}
