package server

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// SVG sanitising (companies.md §3). bluemonday's HTML tokenizer lower-cases SVG's
// camelCase attributes (viewBox, gradientUnits) and cannot re-serialise XML, so SVG
// goes through this XML token pass instead: parse strictly, keep only the SVG
// elements of an allowlist, drop every attribute that can run script or load
// something from outside, and write the result out fresh. The stored result must
// hold no way to fetch anything: the value checks live in svg_value.go.

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
)

var errSVGUnsafe = errors.New("SVG could not be sanitized")

// svgElements are the SVG elements kept (names are case-sensitive in XML). Anything
// else in the SVG namespace (script, foreignObject, font-face-uri, color-profile,
// tref, cursor, handler, ...) is removed with its content: an allowlist cannot be
// outflanked by an element this list forgot.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "desc": true, "title": true, "metadata": true,
	"symbol": true, "use": true, "switch": true, "a": true, "view": true, "style": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true,
	"polyline": true, "polygon": true, "text": true, "tspan": true, "textPath": true,
	"image": true, "linearGradient": true, "radialGradient": true, "stop": true,
	"pattern": true, "clipPath": true, "mask": true, "marker": true,
	"animate": true, "animateMotion": true, "animateTransform": true, "set": true, "mpath": true,
	"filter": true, "feBlend": true, "feColorMatrix": true, "feComponentTransfer": true,
	"feComposite": true, "feConvolveMatrix": true, "feDiffuseLighting": true,
	"feDisplacementMap": true, "feDistantLight": true, "feDropShadow": true, "feFlood": true,
	"feFuncA": true, "feFuncB": true, "feFuncG": true, "feFuncR": true, "feGaussianBlur": true,
	"feImage": true, "feMerge": true, "feMergeNode": true, "feMorphology": true, "feOffset": true,
	"fePointLight": true, "feSpecularLighting": true, "feSpotLight": true, "feTile": true,
	"feTurbulence": true,
}

// svgAnimation are the elements that change another attribute over time.
var svgAnimation = map[string]bool{
	"animate": true, "animateMotion": true, "animateTransform": true, "set": true,
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
			// A <style> holds text only; an element inside it is dropped so its text
			// cannot reach the stylesheet unchecked.
			drop := skip > 0 || styleText != nil || !inSVG || !svgElements[name] ||
				(svgAnimation[name] && animatesDanger(t.Attr))
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
			if name == "style" {
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
			if styleText != nil && t.Name.Local == "style" {
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
		// Comments, processing instructions (xml-stylesheet) and directives (DOCTYPE,
		// ENTITY) are dropped.
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

// svgAttrName returns the output name of an attribute, or false for attributes of
// foreign namespaces and namespace declarations (we write our own), and for names
// that are not plain ASCII XML names: a prefix bound to the empty namespace
// (xmlns:p="" then p:0="") leaves a local part such as "0", which written alone
// would make the stored file unparsable.
func svgAttrName(a xml.Attr) (string, bool) {
	if !plainXMLName(a.Name.Local) {
		return "", false
	}
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

// plainXMLName reports whether s is an XML name of ASCII letters, digits, '_', '-'
// and '.', not starting with a digit, '-' or '.'; every SVG attribute name is one.
func plainXMLName(s string) bool {
	for i, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return s != ""
}
