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
		"app.js": {Data: []byte(`// The entry. import "./not-a-statement.js" in a comment is ignored.
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
