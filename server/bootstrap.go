package server

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// BootstrapInviteTTL is the lifetime of the invite a server start creates.
const BootstrapInviteTTL = 72 * time.Hour

// ensureBootstrapInvite makes sure an authenticated instance without an admin has a
// way in: an active bootstrap invite, whose URL is logged and handed to Bootstrap.
func (r Runner) ensureBootstrapInvite(ctx context.Context, ln net.Listener, logger *slog.Logger) error {
	inv, pending, err := r.Store.EnsureBootstrapInvite(ctx, BootstrapInviteTTL)
	if err != nil || !pending {
		return err
	}
	if inv == nil {
		logger.Info("bootstrap pending; an earlier bootstrap invite is still active (run paperclip auth bootstrap-ceo for a new URL)")
		if r.Bootstrap != nil {
			r.Bootstrap("", "")
		}
		return nil
	}
	url := startupBaseURL(r.Config, ln) + "/invite/" + inv.Token
	// The URL is the credential an operator needs to find in the log; it is logged
	// once, at creation, and only its hash is stored.
	logger.Info("bootstrap invite created; open it to become the instance admin", "url", url, "expires_at", inv.ExpiresAt)
	if r.Bootstrap != nil {
		r.Bootstrap(url, inv.ExpiresAt)
	}
	return nil
}

// startupBaseURL is the base URL of links made before any request: the public base
// URL, else the bind host (a wildcard is reached via localhost) on the bound port.
func startupBaseURL(cfg Config, ln net.Listener) string {
	if cfg.PublicBaseURL != "" {
		return strings.TrimRight(cfg.PublicBaseURL, "/")
	}
	host := cfg.Host
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "localhost"
	}
	port := cfg.Port
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		port = a.Port
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}
