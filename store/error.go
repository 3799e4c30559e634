package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Error codes. server/error.go is the only place that maps them to HTTP statuses.
const (
	EINVALID       = "invalid"       // 400
	EUNAUTHORIZED  = "unauthorized"  // 401
	EFORBIDDEN     = "forbidden"     // 403
	ENOTFOUND      = "not_found"     // 404
	ECONFLICT      = "conflict"      // 409
	ETOOLARGE      = "too_large"     // 413
	ERANGE         = "range"         // 416
	EUNPROCESSABLE = "unprocessable" // 422
	EINTERNAL      = "internal"      // 500
)

// Error is the one error type of the domain. Message is shown to the caller as is;
// Details and Tag (a stable machine code, sent as "code") are optional.
type Error struct {
	Code    string
	Message string
	Details any
	Tag     string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an *Error in err's chain, "" for nil, or EINTERNAL.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound is the uniform "<Entity> not found" error.
func NotFound(entity string) *Error { return Errorf(ENOTFOUND, "%s not found", entity) }

// FieldError is one entry of a validation error's details (spec README §3.1).
type FieldError struct {
	Path    []any  `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Validation builds the 400 "Validation error" with its details.
func Validation(issues ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: "Validation error", Details: issues}
}

// Problems collects field errors while an input is validated.
type Problems []FieldError

// Add records one problem at the given path.
func (p *Problems) Add(code, message string, path ...any) {
	if path == nil {
		path = []any{}
	}
	*p = append(*p, FieldError{Path: path, Code: code, Message: message})
}

// Required records a missing field.
func (p *Problems) Required(path ...any) { p.Add("invalid_type", "Required", path...) }

// Err returns the validation error, or nil when nothing was recorded.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return Validation(p...)
}

// translate maps driver errors to domain errors at the store boundary.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return NotFound(what)
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if isUniqueViolation(err, "") {
		return Errorf(ECONFLICT, "%s already exists", what)
	}
	return fmt.Errorf("%s: %w", strings.ToLower(what), err)
}
