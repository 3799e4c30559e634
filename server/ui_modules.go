package server

import (
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// staticImport matches an ES module's static import and re-export statements:
// `import "./x.js"`, `import {a} from "./x.js"`, `export * from "./x.js"`, also minified
// (`import{a}from"./x.js"`) and spanning lines. Dynamic `import("./x.js")` does not match
// (no parenthesis may come before the specifier): those modules load on demand.
var staticImport = regexp.MustCompile(`(?m)^[ \t]*(?:import[ \t]*["']([^"']+)["']|(?:import|export)\b[^;"'()]*?\bfrom[ \t]*["']([^"']+)["'])`)

// staticModuleGraph lists, sorted, the modules reachable from entry through static
// imports with relative specifiers, entry included: what the browser must fetch before
// the entry point can run. Specifiers naming no file of the tree are left out (the
// browser reports those itself).
func staticModuleGraph(files fs.FS, entry string) []string {
	seen := map[string]bool{}
	queue := []string{entry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		src, err := fs.ReadFile(files, name)
		if err != nil {
			continue
		}
		seen[name] = true
		for _, m := range staticImport.FindAllStringSubmatch(string(src), -1) {
			spec := m[1] + m[2]
			if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
				continue
			}
			dep := path.Join(path.Dir(name), spec)
			if !strings.HasPrefix(dep, "../") && !seen[dep] {
				queue = append(queue, dep)
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
