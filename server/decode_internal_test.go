package server

import (
	"encoding/json"
	"errors"
	"testing"

	"paperclip/store"
)

// commonFields is what a create and a patch body share; unexported like a real one
// would be, since only the embedding bodies are part of the API.
type commonFields struct {
	Title    store.Optional[string] `json:"title"`
	Priority store.Optional[string] `json:"priority"`
	Labels   store.Optional[[]int]  `json:"labels"`
}

type createBody struct {
	commonFields
	// Priority shadows the shared one, as in encoding/json.
	Priority store.Optional[int]    `json:"priority"`
	Key      store.Optional[string] `json:"key"`
}

type patchBody struct {
	commonFields
	Comment store.Optional[string] `json:"comment"`
}

// problemsOf returns the field errors of a validation error.
func problemsOf(t *testing.T, err error) []store.FieldError {
	t.Helper()
	var e *store.Error
	if !errors.As(err, &e) || e.Code != store.EINVALID || e.Message != "Validation error" {
		t.Fatalf("want a validation error, got %v", err)
	}
	fe, _ := e.Details.([]store.FieldError)
	return fe
}

func TestDecodeEmbeddedStructs(t *testing.T) {
	var c createBody
	if err := decodeJSONObject([]byte(`{"title":"T","priority":2,"labels":[1,2],"key":"k"}`), &c, true); err != nil {
		t.Fatalf("create: %v", err)
	}
	if c.Title.Value != "T" || c.Priority.Value != 2 || len(c.Labels.Value) != 2 || c.Key.Value != "k" || c.commonFields.Priority.Set {
		t.Fatalf("create decoded %+v", c)
	}

	var p patchBody
	if err := decodeJSONObject([]byte(`{"title":null,"priority":"high","comment":"c"}`), &p, true); err != nil {
		t.Fatalf("patch: %v", err)
	}
	if !p.Title.Set || !p.Title.Null || p.Priority.Value != "high" || p.Comment.Value != "c" || p.Labels.Set {
		t.Fatalf("patch decoded %+v", p)
	}
}

func TestDecodeEmbeddedUnknownKeysAndPaths(t *testing.T) {
	// A key of the create body only is unknown to the patch body, embedded fields
	// notwithstanding.
	var p patchBody
	fe := problemsOf(t, decodeJSONObject([]byte(`{"title":"T","key":"k","zzz":1}`), &p, true))
	if len(fe) != 1 || fe[0].Code != "unrecognized_keys" || fe[0].Message != "Unrecognized key(s) in object: 'key', 'zzz'" {
		t.Fatalf("unknown keys: %+v", fe)
	}
	// Not strict: the same keys are dropped.
	if err := decodeJSONObject([]byte(`{"title":"T","key":"k"}`), &p, false); err != nil || p.Title.Value != "T" {
		t.Fatalf("lenient: %v %+v", err, p)
	}

	// Type errors inside embedded fields carry the JSON path of their key, exactly as
	// the outer fields' errors do.
	var c createBody
	fe = problemsOf(t, decodeJSONObject([]byte(`{"title":5,"labels":[1,"x"],"priority":"high","key":true}`), &c, true))
	got := map[string]string{}
	for _, f := range fe {
		raw, _ := json.Marshal(f.Path)
		got[string(raw)] = f.Message
	}
	want := map[string]string{
		`["title"]`:    "Expected string, received number",
		`["labels"]`:   "Expected integer, received string",
		`["priority"]`: "Expected integer, received string",
		`["key"]`:      "Expected string, received boolean",
	}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("path %s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}
