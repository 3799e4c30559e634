package server

import (
	"encoding/xml"
	"regexp"
	"strings"
)

// Value checks for the SVG sanitiser. Every attribute value and every <style> text
// goes through unsafeCSS, because presentation attributes (fill, cursor, filter) are
// parsed as CSS by browsers: a check that only looked at style would miss
// cursor="url(https://...)".

var (
	safeDataURLRe = regexp.MustCompile(`^data:image/(png|jpeg|gif|webp)[;,]`)
	spaceCtrlRe   = regexp.MustCompile(`[\x00-\x20\x7f]+`)
	// cssFragmentURLRe matches url() references to an element of the same document,
	// the only url() kept (gradients, filters, clip paths, markers). It runs on
	// squashed text, so spaces inside the parentheses are already gone.
	cssFragmentURLRe = regexp.MustCompile(`url\((?:#[a-z0-9_.:-]+|"#[a-z0-9_.:-]+"|'#[a-z0-9_.:-]+')\)`)
)

// cssFetchTokens each load a resource or run script when CSS contains them:
// url() and src() take a URL, image-set(), image() and cross-fade() accept a bare
// string as one, @import and @font-face fetch, attr() can turn an attribute into a
// URL, and the rest are legacy script hooks.
var cssFetchTokens = []string{
	"url(", "src(", "image-set(", "image(", "cross-fade(", "attr(",
	"@import", "@font-face", "@namespace",
	"expression(", "behavior:", "-moz-binding", "javascript:", "vbscript:",
}

// squash removes whitespace and control characters, which browsers ignore inside
// URL schemes ("java\tscript:"), and lower-cases, so checks see what the browser would.
func squash(v string) string { return strings.ToLower(spaceCtrlRe.ReplaceAllString(v, "")) }

// unsafeCSS reports text that, read as CSS, could fetch something or run script.
// CSS escapes ("@\69mport", "\75 rl(") would hide a token from any substring check,
// and decoding them correctly is its own parser; an SVG logo has no need for them,
// so any backslash makes the text unsafe. Comments only split tokens in CSS (u/**/rl(
// is not url(), so they need no handling: the check sees a superset of what
// the browser tokenises.
func unsafeCSS(v string) bool {
	if strings.ContainsRune(v, '\\') {
		return true
	}
	s := cssFragmentURLRe.ReplaceAllString(squash(v), "")
	for _, tok := range cssFetchTokens {
		if strings.Contains(s, tok) {
			return true
		}
	}
	return false
}

// unsafeValue reports attribute values that carry script, foreign data, or a CSS
// way to fetch.
func unsafeValue(v string) bool {
	if unsafeCSS(v) {
		return true
	}
	s := squash(v)
	for i := strings.Index(s, "data:"); i >= 0; {
		if !safeDataURLRe.MatchString(s[i:]) {
			return true
		}
		next := strings.Index(s[i+5:], "data:")
		if next < 0 {
			break
		}
		i += 5 + next
	}
	return false
}

// safeAttr reports whether an attribute may be kept. name is its output name
// ("href", "xlink:href", "xml:lang").
func safeAttr(name, value string) bool {
	local := strings.ToLower(name[strings.LastIndexByte(name, ':')+1:])
	if strings.HasPrefix(local, "on") {
		return false
	}
	if strings.HasPrefix(name, "xml:") && !svgXMLAttrs[local] {
		return false // xml:base would re-root every relative reference
	}
	if local == "href" && !strings.HasPrefix(strings.TrimSpace(value), "#") {
		return false
	}
	return !unsafeValue(value)
}

// svgXMLAttrs are the attributes of the xml: namespace kept; xml:base is not.
var svgXMLAttrs = map[string]bool{"lang": true, "space": true, "id": true}

// animatesDanger reports animation elements (set, animate, ...) that target an
// event handler, a link, a base URL or style: each could swap in a script or an
// external reference after the sanitiser has looked at the static value.
func animatesDanger(attrs []xml.Attr) bool {
	for _, a := range attrs {
		if a.Name.Local != "attributeName" {
			continue
		}
		target := squash(a.Value)
		local := target[strings.LastIndexByte(target, ':')+1:]
		if strings.HasPrefix(local, "on") || strings.Contains(target, "href") ||
			local == "base" || local == "style" || local == "src" || strings.ContainsRune(target, '\\') {
			return true
		}
	}
	return false
}
