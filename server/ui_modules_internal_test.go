package server

import (
	"reflect"
	"testing"
	"testing/fstest"
)

// The preload list is the static import closure of the entry point: plain, minified,
// multi-line and re-export forms are followed; dynamic imports, bare specifiers, missing
// files and paths leaving the tree are not.
func TestStaticModuleGraph(t *testing.T) {
	files := fstest.MapFS{
		"app.js": {Data: []byte(`// The entry.
import { a } from "./a.js";
import "./side.js";
import {
  b,
  c,
} from "./lib/b.js";
export * from "./re.js";
export const label = "./nope.js";
const Page = lazy(() => import("./pages/page.js"), "Page");
import x from "bare-package";
import y from "./missing.js";
import z from "../outside.js";
`)},
		"a.js":               {Data: []byte(`import{h}from"./vendor/v.min.js";export{h};`)},
		"side.js":            {Data: []byte(`console.log(1)`)},
		"lib/b.js":           {Data: []byte(`import { a } from "../a.js";`)},
		"re.js":              {Data: []byte(``)},
		"vendor/v.min.js":    {Data: []byte(`var h=1;export{h as h};`)},
		"pages/page.js":      {Data: []byte(`import { md } from "../vendor/markdown.js";`)},
		"vendor/markdown.js": {Data: []byte(``)},
		"nope.js":            {Data: []byte(``)},
	}
	got := staticModuleGraph(files, "app.js")
	want := []string{"a.js", "app.js", "lib/b.js", "re.js", "side.js", "vendor/v.min.js"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("graph = %v, want %v", got, want)
	}
}

// The on-demand map lists, for each module outside the shell, only what its imports add.
func TestLazyModuleDeps(t *testing.T) {
	files := fstest.MapFS{
		"app.js":           {Data: []byte(`import "./shell.js"; const P = lazy("pages/p.js");`)},
		"shell.js":         {Data: []byte(``)},
		"pages/p.js":       {Data: []byte(`import "../shell.js"; import "../lib/md.js";`)},
		"pages/q.js":       {Data: []byte(`import "../shell.js";`)},
		"lib/md.js":        {Data: []byte(`import "./vendor.js";`)},
		"lib/vendor.js":    {Data: []byte(``)},
		"theme.classic.js": {Data: []byte(``)},
	}
	names := []string{"app.js", "lib/md.js", "lib/vendor.js", "pages/p.js", "pages/q.js", "shell.js", "theme.classic.js"}
	mods := newModuleImports(files)
	got := lazyModuleDeps(mods, names, mods.graph("app.js"))
	want := map[string][]string{"pages/p.js": {"lib/md.js", "lib/vendor.js"}, "lib/md.js": {"lib/vendor.js"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("deps = %v, want %v", got, want)
	}
}
