package server

import (
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// staticImport matches, at an `import` or `export` keyword, an ES module's static import
// or re-export statement: `import "./x.js"`, `import {a} from "./x.js"`, `export * from
// "./x.js"`, also minified (`import{a}from"./x.js"`) and spanning lines. Dynamic
// `import("./x.js")` does not match (no parenthesis may come before the specifier):
// those modules load on demand. Text that only looks like an import, in a comment, at
// worst adds a preload of a file that exists.
var staticImport = regexp.MustCompile(`^(?:import[ \t]*["']([^"']+)["']|(?:import|export)\b[^;"'()]*?\bfrom[ \t]*["']([^"']+)["'])`)

// moduleImports parses the static relative imports of every module once: the server
// builds the UI bundle for each Server, so the ~700 KB of scripts must not be scanned
// again for every module's graph.
type moduleImports struct {
	files fs.FS
	deps  map[string][]string // module → the tree's modules it imports directly
	ok    map[string]bool     // module exists and was read
}

func newModuleImports(files fs.FS) *moduleImports {
	return &moduleImports{files: files, deps: map[string][]string{}, ok: map[string]bool{}}
}

// direct returns name's direct static imports, parsing the file on first use, and
// whether name is a readable file of the tree.
func (m *moduleImports) direct(name string) ([]string, bool) {
	if deps, seen := m.deps[name]; seen {
		return deps, m.ok[name]
	}
	src, err := fs.ReadFile(m.files, name)
	if err != nil {
		m.deps[name] = nil
		return nil, false
	}
	var deps []string
	s := string(src)
	// The regexp is anchored at each keyword found by a plain substring search, with a
	// statement boundary before it: unanchored, it would be tried at every byte.
	for i := 0; i < len(s); {
		j := indexKeyword(s[i:])
		if j < 0 {
			break
		}
		at := i + j
		if at == 0 || strings.ContainsRune(";}\n\r\t ", rune(s[at-1])) {
			if mm := staticImport.FindStringSubmatch(s[at:]); mm != nil {
				if spec := mm[1] + mm[2]; strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") {
					if dep := path.Join(path.Dir(name), spec); !strings.HasPrefix(dep, "../") {
						deps = append(deps, dep)
					}
				}
			}
		}
		i = at + len("import")
	}
	m.deps[name], m.ok[name] = deps, true
	return deps, true
}

// indexKeyword is the index of the first "import" or "export" in s, or -1.
func indexKeyword(s string) int {
	a, b := strings.Index(s, "import"), strings.Index(s, "export")
	switch {
	case a < 0:
		return b
	case b < 0 || a < b:
		return a
	default:
		return b
	}
}

// graph lists, sorted, the modules reachable from entry through static imports with
// relative specifiers, entry included: what the browser must fetch before entry can
// run. Specifiers naming no file of the tree are left out (the browser reports those).
func (m *moduleImports) graph(entry string) []string {
	seen := map[string]bool{}
	queue := []string{entry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		deps, ok := m.direct(name)
		if !ok {
			continue
		}
		seen[name] = true
		for _, d := range deps {
			if !seen[d] {
				queue = append(queue, d)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// staticModuleGraph is the static import graph of entry in files (moduleImports.graph).
func staticModuleGraph(files fs.FS, entry string) []string {
	return newModuleImports(files).graph(entry)
}

// lazyModuleDeps maps every module outside the shell (the entry point's static graph) to
// the modules its own static graph adds to the shell's: what must still be fetched when
// it is imported on demand. Modules adding nothing are left out.
func lazyModuleDeps(m *moduleImports, names, shell []string) map[string][]string {
	inShell := map[string]bool{}
	for _, n := range shell {
		inShell[n] = true
	}
	out := map[string][]string{}
	for _, n := range names {
		if !strings.HasSuffix(n, ".js") || strings.HasSuffix(n, ".classic.js") || inShell[n] {
			continue
		}
		var extra []string
		for _, d := range m.graph(n) {
			if d != n && !inShell[d] {
				extra = append(extra, d)
			}
		}
		if len(extra) > 0 {
			out[n] = extra
		}
	}
	return out
}
