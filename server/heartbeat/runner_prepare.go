package heartbeat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"paperclip/store"
)

// resolveCwd picks the working directory (§7.1).
func (r *runner) resolveCwd(ctx context.Context, cfg map[string]any, agent store.Agent, issueID string) (string, string, error) {
	if issueID != "" {
		cwd, err := r.s.store.FindIssueWorkspaceCwd(ctx, issueID)
		if err != nil {
			return "", "", err
		}
		if cwd != "" {
			if info, err := os.Stat(cwd); err == nil && info.IsDir() {
				return cwd, "project_primary", nil
			}
		}
	}
	if cwd, _ := cfg["cwd"].(string); strings.TrimSpace(cwd) != "" {
		if !filepath.IsAbs(cwd) {
			return "", "", errors.New("cwd must be an absolute path")
		}
		if err := os.MkdirAll(cwd, 0o755); err != nil {
			return "", "", fmt.Errorf("create cwd: %w", err)
		}
		return cwd, "agent_config", nil
	}
	home := filepath.Join(r.s.cfg.InstanceDir, "workspaces", agent.ID)
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", "", fmt.Errorf("create agent home: %w", err)
	}
	return home, "agent_home", nil
}

// limits reads timeoutSec, graceSec and terminalCleanupGraceSec (§8.1).
func (r *runner) limits(cfg map[string]any, adapterType string) (timeout, grace, leftover time.Duration) {
	timeout = r.s.cfg.DefaultTimeout
	if n, ok := number(cfg["timeoutSec"]); ok {
		switch {
		case n > 0:
			timeout = time.Duration(n * float64(time.Second))
		case n < 0:
			timeout = 0
		}
	}
	grace = defaultGraceCLI
	if adapterType == store.AdapterProcess {
		grace = defaultGraceProcess
	}
	if n, ok := number(cfg["graceSec"]); ok && n >= 0 {
		grace = time.Duration(n * float64(time.Second))
	}
	leftover = 5 * time.Second
	if n, ok := number(cfg["terminalCleanupGraceSec"]); ok && n >= 0 {
		leftover = time.Duration(n * float64(time.Second))
	}
	return timeout, grace, leftover
}

// freshSessionReason says why a saved session must not be resumed (§11), or "".
func freshSessionReason(snap map[string]any) string {
	switch {
	case snap["forceFreshSession"] == true:
		return "force_fresh_session"
	case snap["wakeReason"] == store.WakeIssueAssigned:
		return "issue_assigned"
	case snap["wakeSource"] == store.WakeSourceTimer:
		return "timer"
	case snap["wakeSource"] == store.WakeSourceOnDemand && snap["wakeTriggerDetail"] == "manual":
		return "manual_invoke"
	}
	return ""
}

// wakePayload builds §15.1 from the snapshot.
func (r *runner) wakePayload(ctx context.Context, snap map[string]any, issueID string) (WakePayload, error) {
	p := WakePayload{Comments: []store.WakeComment{}}
	if v := firstStr(snap["wakeReason"]); v != "" {
		p.Reason = &v
	}
	if v := firstStr(snap["wakeSource"]); v != "" {
		p.Source = &v
	}
	if issueID != "" {
		is, err := r.s.store.FindWakeIssue(ctx, r.run.CompanyID, issueID)
		if err != nil {
			return p, err
		}
		p.Issue, r.issue = is, is
		if is != nil {
			comments, err := r.s.store.FindWakeComments(ctx, issueID, stringsOf(snap["wakeCommentIds"]))
			if err != nil {
				return p, err
			}
			p.Comments, p.Truncated = boundComments(comments)
		}
	}
	if id := firstStr(snap["approvalId"]); id != "" {
		ap, err := r.s.store.FindWakeApproval(ctx, r.run.CompanyID, id)
		if err != nil {
			return p, err
		}
		p.Approval = ap
	}
	return p, nil
}

// prompt renders the prompt template and appends the wake section (§15.2).
func (r *runner) prompt(cfg map[string]any, snap map[string]any, p WakePayload, fresh bool) string {
	a := r.agent
	title := ""
	if a.Title != nil {
		title = *a.Title
	}
	c := r.company()
	vars := map[string]any{"agentId": a.ID, "companyId": a.CompanyID, "runId": r.run.ID,
		"agent":   map[string]any{"id": a.ID, "name": a.Name, "role": a.Role, "title": title},
		"company": map[string]any{"id": a.CompanyID, "name": c.Name, "issuePrefix": c.IssuePrefix},
		"run":     map[string]any{"id": r.run.ID, "source": r.run.InvocationSource}, "context": snap}
	tpl, _ := cfg["promptTemplate"].(string)
	if strings.TrimSpace(tpl) == "" {
		tpl = DefaultPromptTemplate
	}
	out := RenderTemplate(tpl, vars) + "\n\n" + WakeSection(p)
	if boot, _ := cfg["bootstrapPromptTemplate"].(string); fresh && strings.TrimSpace(boot) != "" {
		out = RenderTemplate(boot, vars) + "\n\n" + out
	}
	return out
}

func (r *runner) company() store.Company {
	c, _ := r.s.store.FindCompanyByID(context.Background(), r.run.CompanyID)
	return c
}
