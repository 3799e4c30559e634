package server

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
)

// SVG sanitising (companies.md §3). bluemonday's HTML tokenizer lower-cases SVG's
// camelCase attributes (viewBox, gradientUnits) and cannot re-serialise XML, so SVG
// goes through this XML token pass instead: parse strictly, keep only elements in the
// SVG namespace minus the active ones, drop every attribute that can run script or
// load something from outside, and write the result out fresh.

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
)

var errSVGUnsafe = errors.New("SVG could not be sanitized")

// svgDropped elements are removed with everything inside them.
var svgDropped = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "object": true, "embed": true,
	"audio": true, "video": true, "handler": true, "listener": true,
}

var (
	safeDataURLRe = regexp.MustCompile(`^data:image/(png|jpeg|gif|webp)[;,]`)
	cssURLRe      = regexp.MustCompile(`(?i)url\(\s*['"]?\s*([^'")\s]*)`)
	spaceCtrlRe   = regexp.MustCompile(`[\x00-\x20\x7f]+`)
)

// squash removes whitespace and control characters, which browsers ignore inside
// URL schemes ("java\tscript:"), so checks see what the browser would.
func squash(v string) string { return strings.ToLower(spaceCtrlRe.ReplaceAllString(v, "")) }

// unsafeValue reports attribute values that carry script or foreign data.
func unsafeValue(v string) bool {
	s := squash(v)
	if strings.Contains(s, "javascript:") || strings.Contains(s, "vbscript:") {
		return true
	}
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

// unsafeCSS reports style text that loads from outside or runs script.
func unsafeCSS(v string) bool {
	s := squash(v)
	if strings.Contains(s, "expression(") || strings.Contains(s, "@import") || strings.Contains(s, "javascript:") || strings.Contains(s, "behavior:") {
		return true
	}
	for _, m := range cssURLRe.FindAllStringSubmatch(v, -1) {
		if !strings.HasPrefix(strings.TrimSpace(m[1]), "#") {
			return true
		}
	}
	return false
}

// sanitizeSVG returns the safe re-serialisation of an SVG document, or errSVGUnsafe
// when it is not a parsable SVG or nothing drawable is left.
func sanitizeSVG(data []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	var out bytes.Buffer
	depth, skip := 0, 0
	rootSeen, usesXlink := false, false
	kept := 0
	var stack []bool // per open element: whether it was written
	var styleText *bytes.Buffer
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errSVGUnsafe
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := t.Name.Local
			inSVG := t.Name.Space == svgNS || t.Name.Space == ""
			if !rootSeen {
				if name != "svg" || !inSVG {
					return nil, errSVGUnsafe
				}
				rootSeen = true
			} else if depth == 1 {
				return nil, errSVGUnsafe // a second root
			}
			lname := strings.ToLower(name)
			drop := skip > 0 || !inSVG || svgDropped[lname] ||
				((lname == "set" || strings.HasPrefix(lname, "animate")) && animatesLink(t))
			if drop {
				skip++
				stack = append(stack, false)
				continue
			}
			stack = append(stack, true)
			if depth > 1 {
				kept++
			}
			out.WriteByte('<')
			out.WriteString(name)
			if depth == 1 {
				out.WriteString(` xmlns="` + svgNS + `"`)
			}
			for _, a := range t.Attr {
				an, ok := svgAttrName(a)
				if !ok || !safeAttr(an, a.Value) {
					continue
				}
				if strings.HasPrefix(an, "xlink:") {
					usesXlink = true
				}
				out.WriteByte(' ')
				out.WriteString(an)
				out.WriteString(`="`)
				xml.EscapeText(&out, []byte(a.Value))
				out.WriteByte('"')
			}
			out.WriteByte('>')
			if lname == "style" {
				styleText = &bytes.Buffer{}
			}
		case xml.EndElement:
			depth--
			if len(stack) == 0 {
				return nil, errSVGUnsafe
			}
			written := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !written {
				skip--
				continue
			}
			if styleText != nil && strings.EqualFold(t.Name.Local, "style") {
				if !unsafeCSS(styleText.String()) {
					xml.EscapeText(&out, styleText.Bytes())
				}
				styleText = nil
			}
			out.WriteString("</" + t.Name.Local + ">")
		case xml.CharData:
			if skip > 0 || depth == 0 {
				continue
			}
			if styleText != nil {
				styleText.Write(t)
				continue
			}
			xml.EscapeText(&out, t)
		}
		// Comments, processing instructions and directives (DOCTYPE, ENTITY) are dropped.
	}
	if !rootSeen || depth != 0 || kept == 0 {
		return nil, errSVGUnsafe
	}
	res := out.Bytes()
	if usesXlink {
		res = bytes.Replace(res, []byte(`xmlns="`+svgNS+`"`), []byte(`xmlns="`+svgNS+`" xmlns:xlink="`+xlinkNS+`"`), 1)
	}
	if !bytes.HasPrefix(res, []byte("<svg")) {
		return nil, errSVGUnsafe
	}
	return res, nil
}

// animatesLink reports animation elements that target href, a way to swap a link to
// javascript: after load.
func animatesLink(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "attributeName" && strings.Contains(strings.ToLower(a.Value), "href") {
			return true
		}
	}
	return false
}

// svgAttrName returns the output name of an attribute, or false for attributes of
// foreign namespaces and namespace declarations (we write our own).
func svgAttrName(a xml.Attr) (string, bool) {
	switch a.Name.Space {
	case "":
		if a.Name.Local == "xmlns" {
			return "", false
		}
		return a.Name.Local, true
	case xlinkNS:
		return "xlink:" + a.Name.Local, true
	case xmlNS:
		return "xml:" + a.Name.Local, true
	}
	return "", false
}

func safeAttr(name, value string) bool {
	lname := strings.ToLower(name)
	if strings.HasPrefix(lname, "on") {
		return false
	}
	if lname == "href" || lname == "xlink:href" {
		return strings.HasPrefix(strings.TrimSpace(value), "#")
	}
	if lname == "style" && unsafeCSS(value) {
		return false
	}
	if unsafeValue(value) {
		return false
	}
	// Presentation attributes like fill="url(#g)" may only point inside the document.
	if strings.Contains(strings.ToLower(value), "url(") && unsafeCSS(value) {
		return false
	}
	return true
}
