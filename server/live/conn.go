package live

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// IsUpgrade reports whether r asks for a WebSocket upgrade, so the server can answer
// a plain GET with its own JSON error instead of the library's text one.
func IsUpgrade(r *http.Request) bool {
	return headerHas(r.Header, "Connection", "upgrade") && headerHas(r.Header, "Upgrade", "websocket")
}

func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}

// ServeWS upgrades r to a WebSocket and streams companyID's events to it until the
// client leaves, falls too far behind, stops answering pings, or the hub stops. The
// caller has already authorised the request for the company and checked its Origin
// (the server applies one origin rule to every browser request), so no origin check is
// repeated here. Client messages are read and ignored.
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, companyID string) {
	// Subscribing before the upgrade means a client whose handshake has been answered
	// misses nothing committed afterwards; a failed upgrade unsubscribes again.
	sub, ok := h.subscribe(companyID)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":"Server is shutting down"}` + "\n"))
		return
	}
	defer h.unsubscribe(sub)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has answered the request
	}
	// The connection outlives nothing of the request but its values: the HTTP server's
	// shutdown must not cut sockets the hub is about to close politely.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()

	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer cancel()
		// Reading is what processes pongs and the peer's close frame; data is ignored.
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
	pingDone := make(chan struct{})
	go func() {
		defer close(pingDone)
		h.pingLoop(ctx, cancel, c)
	}()

	code, reason := h.writeLoop(ctx, c, sub)
	if code != 0 {
		c.Close(code, reason)
	} else {
		c.CloseNow()
	}
	cancel()
	<-readDone
	<-pingDone
}

// writeLoop sends the subscriber's messages until the connection must end, and says
// with which close status (0: the connection is already gone, close without a
// handshake).
func (h *Hub) writeLoop(ctx context.Context, c *websocket.Conn, sub *subscriber) (websocket.StatusCode, string) {
	for {
		// An overflow wins over queued messages: the client is behind anyway, and the
		// close frame tells it to refetch.
		select {
		case <-sub.overflow:
			return websocket.StatusTryAgainLater, "slow consumer: reconnect and refetch"
		default:
		}
		select {
		case <-sub.overflow:
			return websocket.StatusTryAgainLater, "slow consumer: reconnect and refetch"
		case <-h.done:
			return websocket.StatusGoingAway, "server shutting down"
		case <-ctx.Done():
			return 0, ""
		case msg := <-sub.send:
			wctx, wcancel := context.WithTimeout(ctx, h.writeTimeout)
			err := c.Write(wctx, websocket.MessageText, msg)
			wcancel()
			if err != nil {
				return 0, ""
			}
		}
	}
}

// pingLoop pings every interval; a pong missing for two intervals ends the connection.
func (h *Hub) pingLoop(ctx context.Context, cancel context.CancelFunc, c *websocket.Conn) {
	t := time.NewTicker(h.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, pcancel := context.WithTimeout(ctx, 2*h.pingInterval)
		err := c.Ping(pctx)
		pcancel()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				h.logger.Info("live client dropped: no pong", "error", err.Error())
			}
			cancel()
			return
		}
	}
}
