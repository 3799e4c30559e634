package server

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The corpus test and the fuzz target share one oracle, checkNoFetch, written apart
// from the sanitiser's own checks so that a gap in one is not copied into the other.

var corpusDirectiveRe = regexp.MustCompile(`<!--\s*(keep|gone|reject)(?::\s?(.*?))?\s*-->`)

func svgCorpus(t testing.TB) map[string][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "svg", "*.svg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SVG corpus: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

func TestSVGCorpus(t *testing.T) {
	for name, data := range svgCorpus(t) {
		t.Run(name, func(t *testing.T) {
			directives := corpusDirectiveRe.FindAllStringSubmatch(string(data), -1)
			if len(directives) == 0 {
				t.Fatal("sample states no expectation")
			}
			reject := false
			for _, d := range directives {
				reject = reject || d[1] == "reject"
			}
			out, err := sanitizeSVG(data)
			if reject {
				if err == nil {
					t.Fatalf("accepted, want rejection: %s", out)
				}
				return
			}
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if err := checkNoFetch(out); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			for _, d := range directives {
				switch {
				case d[1] == "keep" && !bytes.Contains(out, []byte(d[2])):
					t.Errorf("lost %q: %s", d[2], out)
				case d[1] == "gone" && bytes.Contains(out, []byte(d[2])):
					t.Errorf("still holds %q: %s", d[2], out)
				}
			}
			again, err := sanitizeSVG(out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("not idempotent (%v):\n%s\n%s", err, out, again)
			}
		})
	}
}

// FuzzSanitizeSVG holds the sanitiser to its contract on any input: it never panics,
// whatever it accepts starts with <svg, offers no way to fetch, and sanitising its
// own output changes nothing. Seeds: the corpus above plus testdata/fuzz/FuzzSanitizeSVG.
func FuzzSanitizeSVG(f *testing.F) {
	for _, data := range svgCorpus(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := sanitizeSVG(data)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(out, []byte("<svg")) {
			t.Fatalf("output does not start with <svg: %q", out)
		}
		if err := checkNoFetch(out); err != nil {
			t.Fatalf("%v in %q (input %q)", err, out, data)
		}
		again, err := sanitizeSVG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent (%v):\n%q\n%q", err, out, again)
		}
	})
}

var (
	oracleSpaceRe    = regexp.MustCompile(`[\x00-\x20\x7f]+`)
	oracleLocalURLRe = regexp.MustCompile(`url\(["']?#`)
	oracleRasterRe   = regexp.MustCompile(`data:image/(png|jpeg|gif|webp)[;,]`)
)

// oracleForbidden are the substrings no decoded attribute value or text of an
// accepted SVG may contain (after lower-casing and removing whitespace): each is a
// way to fetch or to run script.
var oracleForbidden = []string{
	`\`, "@import", "@font-face", "image-set(", "image(", "src(", "cross-fade(", "attr(",
	"javascript:", "vbscript:", "expression(",
}

// checkNoFetch is the oracle: it parses a sanitised SVG and reports the first way it
// could still load something from outside or run script.
func checkNoFetch(svg []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	var open []string // element names, to know when text is a stylesheet
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("output does not parse: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name.Local)
			if t.Name.Space != svgNS {
				return fmt.Errorf("element %v outside SVG", t.Name)
			}
			if n := strings.ToLower(t.Name.Local); n == "script" || n == "foreignobject" {
				return fmt.Errorf("element %s", t.Name.Local)
			}
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				switch {
				case strings.HasPrefix(name, "on"):
					return fmt.Errorf("event handler %s", a.Name.Local)
				case a.Name.Space == xmlNS && name == "base":
					return fmt.Errorf("xml:base kept")
				case name == "href" && !strings.HasPrefix(a.Value, "#"):
					return fmt.Errorf("href %q", a.Value)
				case a.Name.Local == "attributeName":
					v := strings.ToLower(strings.TrimSpace(a.Value))
					if strings.Contains(v, "href") || strings.HasPrefix(v, "on") || strings.Contains(v, "base") || v == "style" {
						return fmt.Errorf("animation of %q", a.Value)
					}
				}
				if err := oracleText(a.Value); err != nil {
					return fmt.Errorf("attribute %s: %v", a.Name.Local, err)
				}
			}
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			// Only a stylesheet's text is read as CSS; other text is drawn as words.
			if len(open) == 0 || open[len(open)-1] != "style" {
				continue
			}
			if err := oracleText(string(t)); err != nil {
				return fmt.Errorf("style text: %v", err)
			}
		case xml.ProcInst, xml.Directive:
			return fmt.Errorf("kept %T", t)
		}
	}
}

// oracleText reports a decoded value that could fetch or run script if read as CSS.
func oracleText(v string) error {
	flat := strings.ToLower(oracleSpaceRe.ReplaceAllString(v, ""))
	for _, bad := range oracleForbidden {
		if strings.Contains(flat, bad) {
			return fmt.Errorf("forbidden %q in %q", bad, v)
		}
	}
	// An inline raster fetches nothing; any other data: URL could carry a document.
	if n, raster := strings.Count(flat, "data:"), len(oracleRasterRe.FindAllString(flat, -1)); n != raster {
		return fmt.Errorf("data: URL other than a raster in %q", v)
	}
	if n, local := strings.Count(flat, "url("), len(oracleLocalURLRe.FindAllString(flat, -1)); n != local {
		return fmt.Errorf("%d url( of which only %d local in %q", n, local, v)
	}
	return nil
}
