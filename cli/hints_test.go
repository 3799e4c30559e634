package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// commandRef is "paperclip <words> <flags>" inside a message: the words up to the first
// placeholder, value or punctuation, then the flags that follow.
var commandRef = regexp.MustCompile(`\bpaperclip((?: [a-z][a-z:-]*)+)((?: (?:--?[a-zA-Z][a-zA-Z-]*(?:=\S*)?|<[^>]*>|[A-Z0-9][\w.:-]*|'[^']*'|"[^"]*"))*)`)

// notCommands are prose uses of the word "paperclip" in messages.
var notCommands = map[string]bool{"dev": true, "itself": true, "is": true, "skill": true}

// TestHintsNameRealCommands reads every string in the cli and server sources and
// checks that each "paperclip <command> --flag" it mentions exists, flags included, so a
// hint never sends someone to a command this binary does not have.
func TestHintsNameRealCommands(t *testing.T) {
	root := newRootCommand(newApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{}))
	checked := 0
	for _, dir := range []string{".", "../server"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				// "paperclip onboard or paperclip doctor --repair" names two commands.
				for _, sep := range []string{" or ", " and ", " then ", " to "} {
					s = strings.ReplaceAll(s, sep, " | ")
				}
				for _, m := range commandRef.FindAllStringSubmatch(s, -1) {
					words := strings.Fields(m[1])
					if notCommands[words[0]] {
						continue
					}
					checked++
					if err := checkCommandRef(root, words, strings.Fields(m[2])); err != "" {
						t.Errorf("%s: %q: %s", fset.Position(lit.Pos()), strings.TrimSpace(m[0]), err)
					}
				}
				return true
			})
		}
	}
	// The checker itself refuses what does not exist.
	for _, bad := range [][2][]string{{{"frobnicate"}, nil}, {{"doctor"}, {"--nope"}}, {{"issue", "frob"}, nil}, {{"db:restore"}, {"-z"}}} {
		if checkCommandRef(root, bad[0], bad[1]) == "" {
			t.Errorf("%v %v accepted", bad[0], bad[1])
		}
	}
	t.Logf("%d command references checked", checked)
	if checked < 50 {
		t.Fatalf("only %d command references found; is the pattern still matching?", checked)
	}
}

// checkCommandRef resolves words to a command (extra words are its arguments) and
// looks up each flag on it.
func checkCommandRef(root *cobra.Command, words, rest []string) string {
	cmd, args, err := root.Find(words)
	if err != nil {
		return err.Error()
	}
	if cmd == root {
		return "no such command " + words[0]
	}
	if len(args) > 0 && cmd.HasSubCommands() {
		return "no such command " + strings.Join(words, " ")
	}
	for _, tok := range rest {
		if !strings.HasPrefix(tok, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(tok, "-"), "=")
		var found bool
		if strings.HasPrefix(tok, "--") {
			found = cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil
		} else {
			found = cmd.Flags().ShorthandLookup(name) != nil || cmd.InheritedFlags().ShorthandLookup(name) != nil
		}
		if !found {
			return cmd.CommandPath() + " has no flag " + tok
		}
	}
	return ""
}
