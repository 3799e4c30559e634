package cli

import (
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// allCommands walks the command tree depth first.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "__complete" || sub.Name() == "__completeNoDesc" {
			continue
		}
		out = append(out, allCommands(sub)...)
	}
	return out
}

func commandTree(t *testing.T) *cobra.Command {
	t.Helper()
	return newRootCommand(newApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{}))
}

func TestEveryCommandHasHelpAndExample(t *testing.T) {
	for _, c := range allCommands(commandTree(t)) {
		if c.Short == "" || strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q: Short %q, Example %q", c.CommandPath(), c.Short, c.Example)
		}
		if !strings.HasPrefix(c.Example, "  paperclip") && !strings.HasPrefix(c.Example, "  PAPERCLIP_") && !strings.HasPrefix(c.Example, "  eval") {
			t.Errorf("%q: example does not show a paperclip command line: %q", c.CommandPath(), c.Example)
		}
	}
}

// TestHelpGolden keeps every --help text in testdata/help/<noun>.golden, so a changed
// flag or message shows up in review.
func TestHelpGolden(t *testing.T) {
	e := newCLIEnv(t)
	root := commandTree(t)
	byNoun := map[string][]string{}
	for _, c := range allCommands(root) {
		path := strings.Fields(c.CommandPath())[1:]
		noun := "paperclip"
		if len(path) > 0 {
			noun = strings.ReplaceAll(path[0], ":", "_")
		}
		byNoun[noun] = append(byNoun[noun], strings.Join(path, " "))
	}
	nouns := make([]string, 0, len(byNoun))
	for n := range byNoun {
		nouns = append(nouns, n)
	}
	sort.Strings(nouns)
	for _, noun := range nouns {
		var b strings.Builder
		for _, p := range byNoun[noun] {
			args := append(strings.Fields(p), "--help")
			r := e.mustRun("", args...)
			b.WriteString("$ paperclip " + strings.Join(args, " ") + "\n" + r.stdout + "\n")
		}
		golden(t, "help/"+noun, b.String())
	}
}

func TestColoursOnlyOnTerminals(t *testing.T) {
	e := newAPIEnv(t)
	e.company("Acme")
	e.outTTY = true
	if r := e.mustRun("", "issue", "list"); r.stdout != "\x1b[2m(empty)\x1b[0m\n" {
		t.Errorf("terminal: %q", r.stdout)
	}
	if r := e.mustRun("", "issue", "list", "--json"); strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--json on a terminal has colours: %q", r.stdout)
	}
	if r := e.run("", "issue", "get", "ACM-9"); r.stderr != "\x1b[31mAPI error 404: Issue not found\x1b[0m\n" {
		t.Errorf("terminal error: %q", r.stderr)
	}
	e.env["NO_COLOR"] = "1"
	if r := e.mustRun("", "issue", "list"); r.stdout != "(empty)\n" {
		t.Errorf("NO_COLOR: %q", r.stdout)
	}
	if r := e.run("", "issue", "get", "ACM-9"); strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("NO_COLOR error: %q", r.stderr)
	}
	delete(e.env, "NO_COLOR")
	e.outTTY = false
	if r := e.mustRun("", "issue", "list"); r.stdout != "(empty)\n" {
		t.Errorf("pipe: %q", r.stdout)
	}
}

func TestCompletion(t *testing.T) {
	e := newCLIEnv(t)
	for shell, want := range map[string]string{"bash": "__start_paperclip", "zsh": "#compdef paperclip", "fish": "complete -c paperclip",
		"powershell": "Register-ArgumentCompleter"} {
		r := e.mustRun("", "completion", shell)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("completion %s lacks %q", shell, want)
		}
	}
	// Completion knows the nouns and their verbs.
	r := e.mustRun("", "__complete", "issue", "che")
	if !strings.HasPrefix(r.stdout, "checkout\t") {
		t.Errorf("__complete issue che: %q", r.stdout)
	}
}
