package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"paperclip/store"
)

// BootstrapInviteTTL is the lifetime of the invite a server start creates.
const BootstrapInviteTTL = 72 * time.Hour

// ensureBootstrapInvite makes sure an authenticated instance without an admin has a
// way in: an active bootstrap invite, whose URL is logged and handed to Bootstrap.
// It reports whether bootstrap is pending.
func (r Runner) ensureBootstrapInvite(ctx context.Context, ln net.Listener, logger *slog.Logger) (bool, error) {
	inv, pending, err := r.Store.EnsureBootstrapInvite(ctx, BootstrapInviteTTL)
	if err != nil || !pending {
		return pending, err
	}
	if inv == nil {
		logger.Info("bootstrap pending; an earlier bootstrap invite is still active (run paperclip auth bootstrap-ceo for a new URL)")
		if r.Bootstrap != nil {
			r.Bootstrap("", "")
		}
		return true, nil
	}
	url := startupBaseURL(r.Config, ln) + "/invite/" + inv.Token
	// The URL is the credential an operator needs to find in the log; it is logged
	// once, at creation, and only its hash is stored.
	logger.Info("bootstrap invite created; open it to become the instance admin", "url", url, "expires_at", inv.ExpiresAt)
	if r.Bootstrap != nil {
		r.Bootstrap(url, inv.ExpiresAt)
	}
	return true, nil
}

// openBoardClaim opens upstream's board-claim challenge when bootstrap is pending on an
// instance that already has companies (one that ran in local_trusted mode before),
// and logs its URL.
func (r Runner) openBoardClaim(ctx context.Context, srv *Server, ln net.Listener, logger *slog.Logger) error {
	list, err := r.Store.FindCompanies(ctx, store.CompanyFilter{IncludeArchived: true, Limit: 1})
	if err != nil || len(list) == 0 {
		return err
	}
	url := startupBaseURL(r.Config, ln) + srv.openBoardClaim()
	logger.Info("board claim available; open it signed in to take over as instance admin", "url", url)
	return nil
}

// checkExposure refuses a start the deployment mode forbids, whatever the caller
// checked before: the unauthenticated local board only on a loopback listener, and a
// public instance only with the base URL its links and cookies depend on.
func checkExposure(cfg Config, ln net.Listener) error {
	cfg = cfg.withDefaults()
	if cfg.DeploymentMode == ModeLocalTrusted {
		if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
			return fmt.Errorf("local_trusted mode only binds to loopback (got %s). Use authenticated mode to expose Paperclip.", a.IP)
		}
	}
	if cfg.DeploymentMode == ModeAuthenticated && cfg.Exposure == ExposurePublic && cfg.PublicBaseURL == "" {
		return errors.New("exposure public requires a public base URL (auth.publicBaseUrl or PAPERCLIP_PUBLIC_URL)")
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
