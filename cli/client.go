package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiClient talks to a Paperclip server's JSON API the way every client command does
// (cli.md §7): one base URL, an optional bearer token and run id, JSON in and out.
type apiClient struct {
	base      string // origin without a trailing "/" or "/api"
	key       string
	runID     string
	userAgent string
	http      *http.Client
}

// defaultAPITimeout bounds one request of an ordinary client command; heartbeat run
// polling passes its own deadline through the context instead.
const defaultAPITimeout = 30 * time.Second

// apiError is a non-2xx answer of the API.
type apiError struct {
	Status  int
	Message string
	Details json.RawMessage // nil when the body had no "details"
}

func (e *apiError) Error() string {
	msg := fmt.Sprintf("API error %d: %s", e.Status, e.Message)
	if len(e.Details) > 0 && string(e.Details) != "null" {
		var buf bytes.Buffer
		if json.Compact(&buf, e.Details) == nil {
			msg += " details=" + buf.String()
		}
	}
	return msg
}

// connError means the request never got an HTTP answer.
type connError struct {
	base  string
	cause error
}

func (e *connError) Error() string {
	return fmt.Sprintf("Could not reach the Paperclip API at %s: %s", e.base, connCause(e.cause))
}

func (e *connError) Unwrap() error { return e.cause }

func (e *connError) hint() string {
	return fmt.Sprintf("Is the server running? Start it with: paperclip run (check: %s/api/health)", e.base)
}

// connCause is the innermost useful sentence of a transport error: the url.Error
// wrapper repeats the method and URL that the message already names.
func connCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "request timed out"
	}
	return err.Error()
}

// normalizeAPIBase strips what users paste after the origin: a trailing "/" or "/api".
func normalizeAPIBase(base string) string {
	base = strings.TrimSpace(base)
	for {
		trimmed := strings.TrimSuffix(strings.TrimRight(base, "/"), "/api")
		if trimmed == base {
			return base
		}
		base = trimmed
	}
}

// apiPath fills format's %s verbs with path segments, escaping each, so an id with "/" or "?" can never
// reach another route.
func apiPath(format string, segments ...string) string {
	args := make([]any, len(segments))
	for i, s := range segments {
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...)
}

// do sends one request and returns the raw JSON body; nil for 204 or an empty body.
// body, when not nil, is sent as JSON.
func (c *apiClient) do(ctx context.Context, method, path string, query url.Values, body any) (json.RawMessage, error) {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request body: %w", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("Invalid API base %q: %v", c.base, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if c.runID != "" {
		req.Header.Set("X-Paperclip-Run-Id", c.runID)
	}
	req.Header.Set("User-Agent", c.userAgent)
	data, err := c.send(ctx, req)
	if err != nil || len(data) == 0 {
		return nil, err
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("The server at %s answered %s %s with a non-JSON body; is --api-base pointing at Paperclip?", c.base, method, path)
	}
	return data, nil
}

// send performs req and returns the body of a 2xx answer (nil when empty).
func (c *apiClient) send(ctx context.Context, req *http.Request) ([]byte, error) {
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ctx.Err() // interrupted by the user, not a server problem
		}
		return nil, &connError{base: c.base, cause: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, &connError{base: c.base, cause: err}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, decodeAPIError(res.StatusCode, data)
	}
	if res.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	return data, nil
}

// getText fetches a non-JSON document such as the agent skill (text/markdown).
func (c *apiClient) getText(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("Invalid API base %q: %v", c.base, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return c.send(ctx, req)
}

// decodeAPIError reads {"error", "message", "details"}, falling back to the status.
func decodeAPIError(status int, data []byte) *apiError {
	var body struct {
		Error   any             `json:"error"`
		Message any             `json:"message"`
		Details json.RawMessage `json:"details"`
	}
	e := &apiError{Status: status, Message: fmt.Sprintf("Request failed with status %d", status)}
	if json.Unmarshal(data, &body) != nil {
		return e
	}
	if s, ok := body.Error.(string); ok && strings.TrimSpace(s) != "" {
		e.Message = strings.TrimSpace(s)
	} else if s, ok := body.Message.(string); ok && strings.TrimSpace(s) != "" {
		e.Message = strings.TrimSpace(s)
	}
	e.Details = body.Details
	return e
}

// getInto is a GET whose answer is decoded into v.
func (c *apiClient) getInto(ctx context.Context, path string, query url.Values, v any) error {
	raw, err := c.do(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	if raw == nil {
		return nil
	}
	return json.Unmarshal(raw, v)
}
