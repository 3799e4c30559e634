package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"paperclip/store"
)

// printBanner is the startup banner of §6.5: aligned labels, colours only on a terminal.
// bootstrap is the first-admin invite line of an authenticated instance without an
// admin, empty otherwise.
func (a *app) printBanner(inst *instance, set *settings, url string, schema, applied int, tempSecret bool, bootstrap string) {
	sc := set.Server
	ver := sc.Version
	if ver != "" && ver[0] >= '0' && ver[0] <= '9' {
		ver = "v" + ver
	}
	login := "login required"
	if sc.DeploymentMode == modeLocalTrusted {
		login = "no login required"
	}
	ui := "enabled"
	if !sc.ServeUI {
		ui = "disabled (server.serveUi=false)"
		if v, ok := parseBool(a.getenv("SERVE_UI")); ok && !v {
			ui = "disabled (SERVE_UI=false)"
		}
	}
	// Wakes from events and the API run either way; the switch governs timer heartbeats.
	scheduler := "timers disabled (wakes still run)"
	if sc.SchedulerEnabled {
		scheduler = fmt.Sprintf("enabled (every %s)", sc.SchedulerInterval.Round(time.Second))
	}
	backups := "disabled"
	if sc.BackupEnabled {
		backups = fmt.Sprintf("every %dm, keep %dd → %s", sc.BackupIntervalMinutes, sc.BackupRetentionDays, sc.BackupDir)
	}
	database := fmt.Sprintf("%s (schema v%d, %d migrations applied)", sc.DatabasePath, schema, applied)
	if set.DatabaseSynchronous == store.SyncFull {
		database += ", synchronous full"
	}
	jwt := "configured"
	if tempSecret {
		jwt = "temporary (missing from .env)"
	}
	rows := [][2]string{
		{"Instance", fmt.Sprintf("%s   (%s)", inst.ID, inst.Root)},
		{"Mode", fmt.Sprintf("%s (%s) — %s", sc.DeploymentMode, sc.Exposure, login)},
		{"URL", url},
		{"API", url + "/api   (health: /api/health)"},
		{"UI", ui},
		{"Database", database},
		{"Agent JWT", jwt},
		{"Scheduler", scheduler},
		{"Backups", backups},
		{"Logs", filepath.Join(sc.LogDir, "server.log")},
		{"Config", inst.ConfigPath},
	}
	if bootstrap != "" {
		rows = append(rows, [2]string{"Bootstrap", bootstrap})
	}
	if set.DatabaseURLSet {
		rows = append(rows, [2]string{"Warning", "DATABASE_URL is set but ignored"})
	}
	if tempSecret {
		rows = append(rows, [2]string{"Warning", "agent JWT secret was missing; using a temporary one"})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — control plane for AI-agent companies\n", a.paint("1", "Paperclip "+ver))
	for _, r := range rows {
		label := fmt.Sprintf("%-12s", r[0])
		if r[0] == "Warning" {
			label = a.paint("33", label)
		} else {
			label = a.paint("36", label)
		}
		fmt.Fprintf(&b, "  %s%s\n", label, r[1])
	}
	a.printf("%s", b.String())
}
