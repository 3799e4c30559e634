package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"paperclip/store"
)

func (s *Server) healthRoutes() []route {
	return []route{
		{http.MethodGet, "/api/health", whoPublic, "Instance health", s.handleHealth},
	}
}

type backupHealth struct {
	Enabled         bool     `json:"enabled"`
	Status          string   `json:"status"`
	LastBackupAt    *string  `json:"lastBackupAt,omitempty"`
	IntervalMinutes *int     `json:"intervalMinutes,omitempty"`
	RetentionDays   *int     `json:"retentionDays,omitempty"`
	Warnings        []string `json:"warnings"`
}

// backupStatus inspects the backup directory: the newest backup's age against twice
// the interval, and a failure marker the backup loop leaves behind.
func (s *Server) backupStatus(now time.Time) (backupHealth, []string) {
	interval, retention := s.cfg.BackupIntervalMinutes, s.cfg.BackupRetentionDays
	h := backupHealth{Enabled: s.cfg.BackupEnabled, IntervalMinutes: &interval, RetentionDays: &retention, Warnings: []string{}}
	if !s.cfg.BackupEnabled {
		h.Status = "disabled"
		return h, nil
	}
	var messages []string
	warn := func(code, msg string) {
		h.Warnings = append(h.Warnings, code)
		messages = append(messages, msg)
	}
	var newest time.Time
	entries, err := os.ReadDir(s.cfg.BackupDir)
	if err != nil && !os.IsNotExist(err) {
		warn("database_backup_check_failed", "Database backup health check failed.")
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".db.gz") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
	}
	if s.cfg.BackupDir != "" {
		if _, err := os.Stat(filepath.Join(s.cfg.BackupDir, BackupFailedMarker)); err == nil {
			warn("database_backup_last_failure", "Database backup failure marker is present.")
		}
	}
	switch {
	case newest.IsZero():
		warn("database_backup_missing", "No recent database backup was found.")
	case now.Sub(newest) > 2*time.Duration(interval)*time.Minute:
		warn("database_backup_stale", "Latest database backup is stale.")
	}
	if !newest.IsZero() {
		t := store.FormatTime(newest)
		h.LastBackupAt = &t
	}
	h.Status = "ok"
	if len(h.Warnings) > 0 {
		h.Status = "warning"
	}
	return h, messages
}

// handleHealth answers GET /api/health (activity-dashboard §6).
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := s.store.Ping(ctx); err != nil {
		s.logger.Error("health database probe failed", "error", err.Error())
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unhealthy", "version": s.cfg.Version, "error": "database_unreachable"})
		return
	}
	a := actorOf(r)
	bootstrapStatus, inviteActive := "ready", false
	if s.cfg.DeploymentMode == ModeAuthenticated {
		pending, active, err := s.store.BootstrapPending(ctx)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if pending {
			bootstrapStatus, inviteActive = "bootstrap_pending", active
		}
	}
	backup, warnings := s.backupStatus(time.Now())
	if a.Kind == store.ActorNone {
		backup.LastBackupAt, backup.IntervalMinutes, backup.RetentionDays = nil, nil, nil
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "deploymentMode": s.cfg.DeploymentMode, "deploymentExposure": s.cfg.Exposure,
			"bootstrapStatus": bootstrapStatus, "bootstrapInviteActive": inviteActive, "databaseBackup": backup,
		})
		return
	}
	live, err := s.store.CountLiveRuns(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body := map[string]any{
		"status":                "ok",
		"version":               s.cfg.Version,
		"deploymentMode":        s.cfg.DeploymentMode,
		"deploymentExposure":    s.cfg.Exposure,
		"authReady":             true,
		"bootstrapStatus":       bootstrapStatus,
		"bootstrapInviteActive": inviteActive,
		"features":              map[string]bool{"companyDeletionEnabled": s.cfg.CompanyDeletionEnabled},
		"databaseBackup":        backup,
		"scheduler":             map[string]any{"enabled": s.cfg.SchedulerEnabled, "liveRuns": live},
	}
	if len(warnings) > 0 {
		body["warnings"] = backup.Warnings
	}
	if a.IsBoard() {
		body["paths"] = map[string]string{
			"instanceDir": s.cfg.InstanceDir, "databaseFile": s.cfg.DatabasePath, "storageDir": s.cfg.StorageDir,
			"backupDir": s.cfg.BackupDir, "runLogDir": s.cfg.RunLogDir,
		}
	}
	writeJSON(w, http.StatusOK, body)
}
