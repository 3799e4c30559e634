package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"paperclip/store"
)

// FuzzDecodeBody holds the JSON body decoder to its contract on any bytes, for a
// lenient input with every field kind (IssueInput: optional strings, ints, bools,
// string lists, raw JSON) and a strict one (BrandingPatch): it never panics; it
// either succeeds on a JSON object (or an empty body) or fails with a 400 validation
// error naming what is wrong, never anything a handler would answer with a 5xx.
// Seeds: testdata/fuzz/FuzzDecodeBody.
func FuzzDecodeBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		decode := func(dst any, strict bool, data []byte) error {
			r := httptest.NewRequest("POST", "/api/x", bytes.NewReader(data))
			return decodeBody(httptest.NewRecorder(), r, dst, strict)
		}
		var issue store.IssueInput
		var branding store.BrandingPatch
		for _, c := range []struct {
			dst    any
			strict bool
		}{{&issue, false}, {&branding, true}} {
			err := decode(c.dst, c.strict, body)
			if err != nil {
				if code := store.ErrorCode(err); code != store.EINVALID {
					t.Fatalf("strict=%v: %v (code %s) for %q", c.strict, err, code, body)
				}
				continue
			}
			if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && (!json.Valid(trimmed) || trimmed[0] != '{') {
				t.Fatalf("strict=%v: accepted a body that is not a JSON object: %q", c.strict, body)
			}
		}
	})
}
