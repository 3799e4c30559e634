// Package http is the http adapter: a webhook that receives the wake payload, for
// agents running elsewhere that call the API back with an agent key.
package http

import (
	"context"
	"net/url"
	"strings"

	"paperclip/server/heartbeat"
	"paperclip/store"
)

// Adapter is the http adapter.
type Adapter struct{}

// New returns the http adapter.
func New() Adapter { return Adapter{} }

// Type is store.AdapterHTTP.
func (Adapter) Type() string { return store.AdapterHTTP }

// Models is empty: the remote agent picks its own model.
func (Adapter) Models(context.Context) []heartbeat.Model { return []heartbeat.Model{} }

// ConfigDoc describes the adapterConfig keys.
func (Adapter) ConfigDoc() string {
	return "- url (string, required at run time): webhook receiving the wake payload\n- method (string, default POST)\n" +
		"- headers (object)\n- timeoutMs (number)\n- payloadTemplate (object): merged into the webhook body\n" +
		"Remote agents authenticate with an agent API key (pcp_...) created by the board.\n"
}

// TestEnvironment checks the URL is an absolute http(s) URL and the method usual
// for a webhook; it makes no request.
func (Adapter) TestEnvironment(_ context.Context, cfg map[string]any) []heartbeat.EnvCheck {
	c := heartbeat.CheckCommon(cfg)
	raw, _ := cfg["url"].(string)
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		c.Add("url_missing", heartbeat.LevelError, "adapterConfig.url is required", nil, nil)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		c.Add("url_invalid", heartbeat.LevelError, "adapterConfig.url must be an http(s) URL", heartbeat.Text(raw), nil)
	default:
		c.Add("url_ok", heartbeat.LevelInfo, "Webhook URL is well formed", heartbeat.Text(raw), nil)
	}
	if m, ok := cfg["method"].(string); ok && m != "" {
		switch strings.ToUpper(m) {
		case "GET", "POST", "PUT", "PATCH":
		default:
			c.Add("method_unusual", heartbeat.LevelWarn, "Unusual HTTP method for a webhook", heartbeat.Text(m), nil)
		}
	}
	return c
}
