package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// agentRef is what client commands need of an agent looked up by id or shortname.
type agentRef struct {
	ID        string `json:"id"`
	CompanyID string `json:"companyId"`
	Name      string `json:"name"`
	URLKey    string `json:"urlKey"`
}

// findAgent resolves an agent id or shortname (the latter needs the session company).
func (s *session) findAgent(ctx context.Context, ref string) (agentRef, error) {
	var ag agentRef
	err := s.api.getInto(ctx, apiPath("/api/agents/%s", ref), companyQuery(s.companyID), &ag)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == 404 {
		return ag, &cliError{msg: "Agent not found: " + ref}
	}
	if err == nil && ag.ID == "" {
		return ag, &cliError{msg: "Agent not found: " + ref}
	}
	return ag, err
}

// skillMarker marks a SKILL.md this CLI wrote and may therefore replace.
const skillMarker = "<!-- paperclip-managed -->"

func newAgentLocalCLICommand(a *app) *cobra.Command {
	var keyName string
	var noSkills bool
	return newClientCommand(a, clientCommand{
		name: "local-cli", args: []string{"agentRef"},
		short: "Create an agent API key, install the Paperclip skill for Claude/Codex, and print shell exports",
		example: "  paperclip agent local-cli ceo -C <companyId>\n" +
			"  eval \"$(paperclip agent local-cli ceo -C <companyId> --no-install-skills)\"",
		company: companyFlag,
		flags: func(fl *pflag.FlagSet) {
			fl.StringVar(&keyName, "key-name", "local-cli", "label of the API key")
			fl.BoolVar(&noSkills, "no-install-skills", false, "do not install the Paperclip skill into ~/.claude/skills and ~/.codex/skills")
		},
		run: func(cmd *cobra.Command, s *session, args []string) error {
			if _, err := s.company(); err != nil {
				return err
			}
			ctx := cmd.Context()
			ag, err := s.findAgent(ctx, args[0])
			if err != nil {
				return err
			}
			// The skill is fetched before a key exists, so a failed download leaves no
			// orphan key behind.
			var skill []byte
			if !noSkills {
				if skill, err = s.api.getText(ctx, "/api/skills/paperclip"); err != nil {
					return err
				}
			}
			var key struct {
				ID    string `json:"id"`
				Token string `json:"token"`
			}
			raw, err := s.post(ctx, apiPath("/api/agents/%s/keys", ag.ID), map[string]any{"name": keyName})
			if err != nil {
				return err
			}
			if err := json.Unmarshal(raw, &key); err != nil || key.Token == "" {
				return errors.New("The server did not return an API key token")
			}
			installed := []string{}
			if !noSkills {
				if installed, err = a.installSkills(skill); err != nil {
					return err
				}
			}
			if s.json {
				return a.printValue(map[string]any{
					"agentId": ag.ID, "companyId": ag.CompanyID, "apiBase": s.api.base,
					"keyId": key.ID, "token": key.Token, "installedSkills": installed,
				}, true)
			}
			for _, p := range installed {
				fmt.Fprintf(a.stderr, "Installed the Paperclip skill at %s\n", p)
			}
			for _, kv := range [][2]string{{"PAPERCLIP_API_URL", s.api.base}, {"PAPERCLIP_COMPANY_ID", ag.CompanyID},
				{"PAPERCLIP_AGENT_ID", ag.ID}, {"PAPERCLIP_API_KEY", key.Token}} {
				a.printf("export %s=%s\n", kv[0], shellQuote(kv[1]))
			}
			return nil
		},
	})
}

// installSkills writes the server's skill document for Claude Code and Codex; a SKILL.md without the managed marker is the user's own and is kept.
func (a *app) installSkills(doc []byte) ([]string, error) {
	if !bytes.Contains(doc, []byte(skillMarker)) {
		doc = append([]byte(skillMarker+"\n"), doc...)
	}
	home, err := a.userHome()
	if err != nil || home == "" {
		return nil, errors.New("cannot determine the user home directory for the skill files; use --no-install-skills")
	}
	codexHome := firstNonEmpty(a.getenv("CODEX_HOME"), filepath.Join(home, ".codex"))
	var written []string
	for _, p := range []string{
		filepath.Join(home, ".claude", "skills", "paperclip", "SKILL.md"),
		filepath.Join(codexHome, "skills", "paperclip", "SKILL.md"),
	} {
		if old, err := os.ReadFile(p); err == nil && !bytes.Contains(old, []byte(skillMarker)) {
			fmt.Fprintf(a.stderr, "Kept %s: it was not written by paperclip\n", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, fmt.Errorf("install skill: %w", err)
		}
		if err := writeFileAtomic(p, doc, 0o644); err != nil {
			return written, fmt.Errorf("install skill: %w", err)
		}
		written = append(written, p)
	}
	return written, nil
}

// shellQuote single-quotes v for POSIX shells.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
