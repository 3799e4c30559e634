package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Input caps (docs/api-limits.md). Without them any key could store a 9 MiB title
// and every list that shows it becomes a 90 MB reply. Every string of an input
// struct is at most MaxShortText characters unless its field's `limit:"N"` tag says
// otherwise; every array at most MaxListItems elements (`items:"N"`); every JSON
// object or free-form value at most MaxObjectBytes bytes once encoded.
const (
	// MaxShortText caps names, titles, keys, enums and ids.
	MaxShortText = 500
	// MaxLongText caps descriptions and comments: the spec's comment limit.
	MaxLongText = 100000
	// MaxDocumentText caps issue document bodies (the spec's document limit).
	MaxDocumentText = 524288
	// MaxListItems caps array fields.
	MaxListItems = 100
	// MaxObjectBytes caps JSON object fields (adapterConfig, metadata, details, ...).
	MaxObjectBytes = 100000
)

// CheckLimits reports every field of the input struct v (a pointer or value) that
// exceeds its cap, as the 400 validation error naming the field.
func CheckLimits(v any) error {
	var p Problems
	p.Limits(v)
	return p.Err()
}

var optionalMarker = reflect.TypeFor[interface{ isOptional() }]()

func (Optional[T]) isOptional() {}

// Limits records a too_big problem for each field of the input struct v over its
// cap, skipping fields that already have a problem (the input's own, often
// stricter or trimmed, check reported them first).
func (p *Problems) Limits(v any) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return
	}
	p.limitStruct(rv, nil)
}

func (p *Problems) limitStruct(rv reflect.Value, path []any) {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fv := rv.Field(i)
		fieldPath := append(append([]any{}, path...), name)
		if p.reported(fieldPath) {
			continue
		}
		if f.Type.Implements(optionalMarker) {
			if !fv.FieldByName("Set").Bool() || fv.FieldByName("Null").Bool() {
				continue
			}
			fv = fv.FieldByName("Value")
		}
		p.limitValue(fv, fieldPath, tagInt(f.Tag, "limit", MaxShortText), tagInt(f.Tag, "items", MaxListItems))
	}
}

func (p *Problems) limitValue(v reflect.Value, path []any, limit, items int) {
	switch {
	case v.Kind() == reflect.String:
		if s := v.String(); len(s) > limit && utf8.RuneCountInString(s) > limit {
			p.Add("too_big", fmt.Sprintf("String must contain at most %d character(s)", limit), path...)
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		if v.Len() > items {
			p.Add("too_big", fmt.Sprintf("Array must contain at most %d element(s)", items), path...)
			return
		}
		for i := 0; i < v.Len(); i++ {
			p.limitValue(v.Index(i), append(append([]any{}, path...), i), limit, items)
		}
	case v.Kind() == reflect.Struct:
		p.limitStruct(v, path)
	case v.Kind() == reflect.Map || v.Kind() == reflect.Interface || v.Kind() == reflect.Slice:
		if v.Type() == reflect.TypeFor[json.RawMessage]() && v.Len() <= MaxObjectBytes {
			return
		}
		if b, err := json.Marshal(v.Interface()); err == nil && len(b) > MaxObjectBytes {
			p.Add("too_big", fmt.Sprintf("Value must be at most %d bytes of JSON", MaxObjectBytes), path...)
		}
	}
}

// reported says whether a problem was already recorded at exactly this path.
func (p *Problems) reported(path []any) bool {
	for _, e := range *p {
		if fmt.Sprint(e.Path) == fmt.Sprint(path) {
			return true
		}
	}
	return false
}

func tagInt(tag reflect.StructTag, key string, def int) int {
	if n, err := strconv.Atoi(tag.Get(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// activityTitle is a title as activity details carry it: short enough that a feed
// of many rows stays small whatever the entity's own title.
func activityTitle(s string) string { return truncateRunes(s, 200) }

// checkFilename bounds an upload's original file name, which multipart headers
// allow to be megabytes long and which every attachment list repeats.
func checkFilename(name string) error {
	if len(name) > MaxShortText && utf8.RuneCountInString(name) > MaxShortText {
		return Validation(FieldError{Path: []any{"originalFilename"}, Code: "too_big",
			Message: fmt.Sprintf("String must contain at most %d character(s)", MaxShortText)})
	}
	return nil
}
