package cli

import (
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"paperclip/server"
	"paperclip/server/heartbeat"
	"paperclip/server/live"
	"paperclip/store"
)

// newScheduler builds the heartbeat runtime from the resolved settings, publishing to
// the live hub. listenURL is
// where this server listens; agents call it back unless PAPERCLIP_API_URL says
// otherwise.
func (a *app) newScheduler(set *settings, inst *instance, listenURL string, st *store.Store, hub *live.Hub, logger *slog.Logger) *heartbeat.Scheduler {
	sc := set.Server
	cfg := heartbeat.Config{
		RunLogDir: sc.RunLogDir, InstanceDir: inst.Root,
		TimersEnabled: sc.SchedulerEnabled, TickInterval: sc.SchedulerInterval,
		DefaultTimeout: set.RunDefaultTimeout, RunLogMaxBytes: set.RunLogMaxBytes,
		RunLogRetentionDays: set.RunLogRetentionDays, RunLogMaxTotalBytes: set.RunLogMaxTotalBytes,
		APIURL: agentAPIURL(a.getenv("PAPERCLIP_API_URL"), listenURL), JWT: sc.RunJWT(),
		ServerEnv: os.Environ(), ChildEnv: sc.ChildEnv, SkillMD: agentSkill(sc.Version), OSUser: sc.OSUser,
	}
	events := server.LiveEvents(hub, server.NewLogCensor(st, sc.OSUser))
	return heartbeat.New(cfg, st, server.BuiltinAdapters(), events, server.SecretEnv(sc, st), logger.With("component", "heartbeat"))
}

// agentAPIURL is PAPERCLIP_API_URL for agent children (runtime.md §16.1): the
// configured origin, else the listener with wildcard and localhost hosts made
// 127.0.0.1, so a child never depends on name resolution.
func agentAPIURL(configured, listen string) string {
	if configured != "" {
		return strings.TrimRight(configured, "/")
	}
	u, err := url.Parse(listen)
	if err != nil {
		return listen
	}
	host, port := u.Hostname(), u.Port()
	switch host {
	case "", "0.0.0.0", "::", "localhost":
		host = "127.0.0.1"
	}
	return u.Scheme + "://" + net.JoinHostPort(host, port)
}

// agentSkill is the embedded paperclip skill with this binary's version filled in,
// the same bytes GET /api/skills/paperclip serves.
func agentSkill(version string) []byte {
	b, _ := server.AgentSkill("paperclip", version)
	return b
}
