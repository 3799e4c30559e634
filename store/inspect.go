package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Read-only inspections of a database file for `paperclip doctor`, which must look at
// an instance without migrating it or competing with a running server for the writer.

// AgentCommand is an adapter type used by live agents and the command they configure.
type AgentCommand struct {
	AdapterType string
	// Command is adapterConfig.command; empty means the adapter's default CLI.
	Command string
}

func openInspect(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err // a read-only look must not create the file
	}
	return sql.Open(driverName, dsn(path, true))
}

// InspectAgentCommands lists the distinct (adapter type, command) pairs of agents that
// are not terminated, in the database file at path.
func InspectAgentCommands(ctx context.Context, path string) ([]AgentCommand, error) {
	db, err := openInspect(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	all, err := queryAll(ctx, db, func(sc scanner) (AgentCommand, error) {
		var typ, config string
		if err := sc.Scan(&typ, &config); err != nil {
			return AgentCommand{}, err
		}
		var ac struct {
			Command string `json:"command"`
		}
		json.Unmarshal([]byte(config), &ac) // a malformed config falls back to the default CLI
		return AgentCommand{AdapterType: typ, Command: ac.Command}, nil
	}, `SELECT adapter_type, adapter_config FROM agents WHERE status <> 'terminated'`)
	if err != nil {
		return nil, fmt.Errorf("read agents: %w", err)
	}
	seen := map[AgentCommand]bool{}
	out := []AgentCommand{}
	for _, c := range all {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AdapterType != out[j].AdapterType {
			return out[i].AdapterType < out[j].AdapterType
		}
		return out[i].Command < out[j].Command
	})
	return out, nil
}

// CountSecrets reports how many company secrets the database file at path holds.
func CountSecrets(ctx context.Context, path string) (int, error) {
	db, err := openInspect(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM company_secrets`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count secrets: %w", err)
	}
	return n, nil
}
