package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// Streaming a list must write exactly what json.Encoder writes for the whole slice.
func TestStreamedListMatchesEncoder(t *testing.T) {
	type row struct {
		A string         `json:"a"`
		B map[string]any `json:"b,omitempty"`
	}
	for _, v := range []any{
		[]row{}, []row{{A: "x"}}, []row{{A: "<&>\u2028\x01"}, {A: "y", B: map[string]any{"k": []int{1}}}},
		[]*row{nil, {A: "z"}}, []string(nil), []byte("raw"), map[string]int{"n": 1},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		rec := httptest.NewRecorder()
		writeJSON(rec, 200, v)
		if got := rec.Body.String(); got != want.String() {
			t.Errorf("%#v: streamed %q, encoder %q", v, got, want.String())
		}
	}
}
