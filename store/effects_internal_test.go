package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

type stopRecorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *stopRecorder) StopRun(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
}

// TestRolledBackCascadeStopsNothing: a cascade that records run stops and then fails
// delivers none of them, and its cancellations do not stick.
func TestRolledBackCascadeStopsNothing(t *testing.T) {
	ctx := context.Background()
	rec := &stopRecorder{}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "paperclip.db"), Options{RunStopper: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const company, agent, run = "c0000000-0000-7000-8000-000000000001", "a0000000-0000-7000-8000-000000000001", "r0000000-0000-7000-8000-000000000001"
	err = s.write(ctx, func(tx *Tx) error {
		now := tx.Now()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO companies (id, name, issue_prefix, created_at, updated_at) VALUES (?, 'Roll', 'ROL', ?, ?)`, []any{company, now, now}},
			{`INSERT INTO agents (id, company_id, name, url_key, status, created_at, updated_at) VALUES (?, ?, 'Bot', 'bot', 'running', ?, ?)`, []any{agent, company, now, now}},
			{`INSERT INTO heartbeat_runs (id, company_id, agent_id, status, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)`, []any{run, company, agent, now, now}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	cascades := map[string]func(tx *Tx) error{
		"terminate": func(tx *Tx) error {
			a, err := s.findAgent(ctx, tx, agent)
			if err != nil {
				return err
			}
			return tx.terminateAgent(a)
		},
		"archive": func(tx *Tx) error { return tx.archiveCascade(company, nil) },
	}
	for name, cascade := range cascades {
		err := s.write(ctx, func(tx *Tx) error {
			if err := cascade(tx); err != nil {
				return err
			}
			if len(tx.stopped) != 1 || tx.stopped[0] != run {
				t.Errorf("%s recorded stops %v, want [%s]", name, tx.stopped, run)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rec.ids) != 0 {
			t.Fatalf("%s rolled back, yet stopped %v", name, rec.ids)
		}
		run, err := s.FindHeartbeatRunByID(ctx, run)
		if err != nil || run.Status != "running" {
			t.Fatalf("%s rolled back, run %q %v", name, run.Status, err)
		}
	}
}
