package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"net/url"
	"strings"
	"time"

	"paperclip/server/heartbeat"
)

// bodyLimit is how much of the response resultJson keeps.
const bodyLimit = 16 << 10

// Execute posts the wake to the configured webhook (runtime.md §19): one request with
// the payload template, the agent, the run and its context; redirects are not
// followed. The remote agent calls the API back with its own agent key.
func (Adapter) Execute(ctx context.Context, inv heartbeat.Invocation) (heartbeat.Result, error) {
	raw, _ := inv.Config["url"].(string)
	if raw == "" {
		return heartbeat.Result{ErrorCode: "adapter_failed", ErrorMessage: "HTTP adapter missing url"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return heartbeat.Result{ErrorCode: "adapter_failed", ErrorMessage: "HTTP adapter url must be an http(s) URL"}, nil
	}
	method := strings.ToUpper(stringOr(inv.Config["method"], "POST"))
	timeout := 30 * time.Second
	if n, ok := inv.Config["timeoutMs"].(float64); ok && n != 0 {
		timeout = time.Duration(n) * time.Millisecond
		if n < 0 {
			timeout = 0
		}
	}
	a := inv.Agent
	vars := map[string]any{"agentId": a.ID, "companyId": a.CompanyID, "runId": inv.RunID, "context": inv.Context,
		"agent": map[string]any{"id": a.ID, "name": a.Name, "role": a.Role}, "run": map[string]any{"id": inv.RunID}}
	body := map[string]any{}
	if tpl, ok := inv.Config["payloadTemplate"].(map[string]any); ok {
		for k, v := range tpl {
			body[k] = render(v, vars)
		}
	}
	body["agentId"], body["companyId"], body["runId"], body["context"] = a.ID, a.CompanyID, inv.RunID, inv.Context
	payload, err := json.Marshal(body)
	if err != nil {
		return heartbeat.Result{}, err
	}
	headers := map[string]string{"Content-Type": "application/json", "X-Paperclip-Run-Id": inv.RunID}
	if h, ok := inv.Config["headers"].(map[string]any); ok {
		for k, v := range h {
			if s, ok := v.(string); ok {
				headers[k] = s
			}
		}
	}
	inv.Meta(map[string]any{"method": method, "url": raw, "headers": heartbeat.RedactHeaders(headers), "body": body})
	reqCtx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := nethttp.NewRequestWithContext(reqCtx, method, raw, bytes.NewReader(payload))
	if err != nil {
		return heartbeat.Result{ErrorCode: "adapter_failed", ErrorMessage: err.Error()}, nil
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &nethttp.Client{CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil && errors.Is(reqCtx.Err(), context.DeadlineExceeded) {
			return heartbeat.Result{TimedOut: true, ErrorCode: "timeout"}, nil
		}
		return heartbeat.Result{ErrorCode: "adapter_failed", ErrorMessage: err.Error()}, nil
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, bodyLimit))
	var parsed any = string(data)
	var v any
	if json.Unmarshal(data, &v) == nil {
		parsed = v
	}
	out := heartbeat.Result{ResultJSON: map[string]any{"status": res.StatusCode, "body": parsed}}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		out.ErrorCode, out.ErrorMessage = "adapter_failed", fmt.Sprintf("HTTP invoke failed with status %d", res.StatusCode)
		return out, nil
	}
	out.Summary = "HTTP " + method + " " + raw
	return out, nil
}

// render fills {{path}} placeholders in the string leaves of a template value.
func render(v any, vars map[string]any) any {
	switch t := v.(type) {
	case string:
		return heartbeat.RenderTemplate(t, vars)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = render(e, vars)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = render(e, vars)
		}
		return out
	}
	return v
}

func stringOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}
