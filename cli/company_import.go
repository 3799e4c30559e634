package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// importOptions are the flags of company import.
type importOptions struct {
	include, target, newName, agents, collision string
	secrets                                     []string
	yes, dryRun                                 bool
}

func newCompanyImportCommand(a *app) *cobra.Command {
	var f clientFlags
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import <fromPath>",
		Short: "Import a company package (folder or .zip): preview, confirm, apply",
		Example: "  paperclip company import ./lean-dev-shop --dry-run\n" +
			"  paperclip company import shop.zip --new-company-name \"Lean Dev Shop\" --secret ANTHROPIC_API_KEY=sk-... --yes\n" +
			"  paperclip company import ./pkg -C <companyId> --collision skip",
		Args:         exactArgs("fromPath"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runCompanyImport(cmd.Context(), &f, o, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.include, "include", "", "parts to import: company,agents,projects,issues,skills (default: all in the package)")
	fl.StringVar(&o.target, "target", "", "new or existing (default: existing with -C, else new)")
	fl.StringVar(&o.newName, "new-company-name", "", "name of the new company (default: the package's)")
	fl.StringVar(&o.agents, "agents", "all", "agents to import: all or comma-separated slugs")
	fl.StringVar(&o.collision, "collision", "rename", "collision strategy: rename, skip or replace")
	fl.StringArrayVar(&o.secrets, "secret", nil, "KEY=VALUE for an env input (repeatable)")
	fl.BoolVar(&o.yes, "yes", false, "apply without asking")
	fl.BoolVar(&o.dryRun, "dry-run", false, "preview only")
	fl.StringVar(&f.apiBase, "paperclip-url", "", "alias of --api-base")
	addCompanyFlag(cmd, &f, "existing company to import into")
	addClientFlags(cmd, &f)
	return cmd
}

func readPackage(ctx context.Context, from string) (map[string]any, error) {
	if strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://") {
		return nil, &cliError{msg: "Importing from URLs is not supported yet; download the package first"}
	}
	st, err := os.Stat(from)
	if err != nil {
		return nil, &cliError{msg: "Cannot read " + from + ": " + err.Error()}
	}
	if st.IsDir() {
		return readPackageDir(ctx, from)
	}
	return readPackageZip(from)
}

// importBody builds the preview/apply body from the flags.
func importBody(o importOptions, files map[string]any, companyID string) (map[string]any, error) {
	if err := checkOneOf("--collision", o.collision, "rename", "skip", "replace"); err != nil {
		return nil, err
	}
	body := map[string]any{"source": map[string]any{"type": "inline", "files": files}, "collisionStrategy": o.collision}
	switch mode := firstNonEmpty(o.target, map[bool]string{true: "existing", false: "new"}[companyID != ""]); mode {
	case "new":
		t := map[string]any{"mode": "new_company"}
		if o.newName != "" {
			t["newCompanyName"] = o.newName
		}
		body["target"] = t
	case "existing":
		if companyID == "" {
			return nil, errCompanyRequired()
		}
		body["target"] = map[string]any{"mode": "existing_company", "companyId": companyID}
	default:
		return nil, &cliError{msg: "Invalid --target " + mode + ": expected new or existing"}
	}
	if o.include != "" {
		inc, err := csvInclude(o.include)
		if err != nil {
			return nil, err
		}
		body["include"] = inc
	}
	if o.agents != "" && o.agents != "all" {
		body["agents"] = splitCSVList(o.agents)
	}
	if len(o.secrets) > 0 {
		vals := map[string]string{}
		for _, kv := range o.secrets {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, &cliError{msg: "Invalid --secret " + kv + ": expected KEY=VALUE"}
			}
			vals[strings.TrimSpace(k)] = v
		}
		body["secretValues"] = vals
	}
	return body, nil
}

// agentCompany is the company of an agent credential, "" for a board credential.
func (s *session) agentCompany(ctx context.Context) string {
	if s.api.key == "" || strings.HasPrefix(s.api.key, "pcp_board_") {
		return ""
	}
	var me struct {
		CompanyID string `json:"companyId"`
	}
	if s.api.getInto(ctx, "/api/agents/me", nil, &me) != nil {
		return ""
	}
	return me.CompanyID
}

func (a *app) runCompanyImport(ctx context.Context, f *clientFlags, o importOptions, from string) error {
	files, err := readPackage(ctx, from)
	if err != nil {
		return err
	}
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	previewPath, applyPath := "/api/companies/import/preview", "/api/companies/import"
	companyID := f.companyID
	if agentCo := s.agentCompany(ctx); agentCo != "" {
		// An agent (CEO) key can only use the company-scoped routes, on its company.
		if companyID != "" && companyID != agentCo {
			return &cliError{msg: "An agent key can only import into its own company (" + agentCo + ")"}
		}
		companyID, o.target = agentCo, "existing"
		previewPath, applyPath = apiPath("/api/companies/%s/imports/preview", agentCo), apiPath("/api/companies/%s/imports/apply", agentCo)
	}
	body, err := importBody(o, files, companyID)
	if err != nil {
		return err
	}
	raw, err := s.post(ctx, previewPath, body)
	if err != nil {
		return err
	}
	var pv importPreview
	if err := json.Unmarshal(raw, &pv); err != nil {
		return fmt.Errorf("unexpected preview answer: %w", err)
	}
	if o.dryRun && s.json {
		return a.printJSON(raw)
	}
	if !s.json {
		printImportPlan(a.stdout, pv)
	}
	if len(pv.Errors) > 0 {
		for _, e := range pv.Errors {
			fmt.Fprintf(a.stderr, "error: %s\n", e)
		}
		return &cliError{msg: "The package has errors; nothing was imported"}
	}
	if o.dryRun {
		return nil
	}
	if !o.yes {
		if !a.stdinTTY {
			return &cliError{msg: "Refusing to import without --yes (stdin is not a terminal)"}
		}
		ok, err := a.prompt.confirm("Apply this import?", false)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(a.stdout, "Import cancelled; nothing was written.")
			return nil
		}
	}
	raw, err = s.post(ctx, applyPath, body)
	if err != nil {
		return err
	}
	if s.json {
		return a.printJSON(raw)
	}
	return a.printImportResult(ctx, s, raw)
}

type importPreview struct {
	TargetCompanyID   *string `json:"targetCompanyId"`
	TargetCompanyName string  `json:"targetCompanyName"`
	CollisionStrategy string  `json:"collisionStrategy"`
	Plan              struct {
		CompanyAction string     `json:"companyAction"`
		AgentPlans    []planItem `json:"agentPlans"`
		ProjectPlans  []planItem `json:"projectPlans"`
		GoalPlans     []planItem `json:"goalPlans"`
		IssuePlans    []planItem `json:"issuePlans"`
		SkillPlans    []planItem `json:"skillPlans"`
	} `json:"plan"`
	EnvInputs []struct {
		Key         string  `json:"key"`
		Kind        string  `json:"kind"`
		Requirement string  `json:"requirement"`
		AgentSlug   *string `json:"agentSlug"`
		ProjectSlug *string `json:"projectSlug"`
	} `json:"envInputs"`
	Warnings []string `json:"warnings"`
	Errors   []string `json:"errors"`
}

type planItem struct {
	Slug         string  `json:"slug"`
	Action       string  `json:"action"`
	PlannedName  string  `json:"plannedName"`
	PlannedTitle string  `json:"plannedTitle"`
	PlannedSlug  string  `json:"plannedSlug"`
	Reason       *string `json:"reason"`
}

// named describes entity plans one by one: create ceo "CEO", rename x → "X 2".
func named(items []planItem) string {
	var parts []string
	for _, it := range items {
		planned := firstNonEmpty(it.PlannedName, it.PlannedSlug)
		renamed := it.Reason != nil && strings.HasPrefix(*it.Reason, "Renamed")
		switch {
		case it.Action == "create" && renamed:
			parts = append(parts, fmt.Sprintf("rename %s → %q", it.Slug, planned))
		case it.Action == "create":
			parts = append(parts, fmt.Sprintf("create %s %q", it.Slug, planned))
		case it.Action == "update":
			parts = append(parts, "replace "+it.Slug)
		default:
			parts = append(parts, "skip "+it.Slug)
		}
	}
	return strings.Join(parts, ", ")
}

// counted summarises plans by action: create 2, skip 1.
func counted(items []planItem) string {
	n := map[string]int{}
	for _, it := range items {
		n[it.Action]++
	}
	var parts []string
	for _, act := range []string{"create", "update", "skip"} {
		if n[act] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", act, n[act]))
		}
	}
	return strings.Join(parts, ", ")
}

func printImportPlan(w io.Writer, pv importPreview) {
	target := fmt.Sprintf("new company %q", pv.TargetCompanyName)
	if pv.TargetCompanyID != nil {
		target = fmt.Sprintf("existing company %q", pv.TargetCompanyName)
	}
	fmt.Fprintf(w, "Import plan → %s (collision: %s)\n", target, pv.CollisionStrategy)
	p := pv.Plan
	for _, row := range [][2]string{{"agents", named(p.AgentPlans)}, {"goals", counted(p.GoalPlans)}, {"projects", named(p.ProjectPlans)},
		{"issues", counted(p.IssuePlans)}, {"skills", named(p.SkillPlans)}} {
		if row[1] != "" {
			fmt.Fprintf(w, "  %-9s %s\n", row[0], row[1])
		}
	}
	type input struct{ kind, req string }
	owners, kinds := map[string][]string{}, map[string]input{}
	for _, in := range pv.EnvInputs {
		owners[in.Key] = append(owners[in.Key], firstNonEmpty(deref(in.AgentSlug), deref(in.ProjectSlug)))
		kinds[in.Key] = input{in.Kind, in.Requirement}
	}
	keys := make([]string, 0, len(owners))
	for k := range owners {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		label := "         "
		if i == 0 {
			label = "Inputs   "
		}
		fmt.Fprintf(w, "%s %s (%s, %s) for %s — provide with --secret KEY=VALUE\n", label, k, kinds[k].kind, kinds[k].req, strings.Join(owners[k], ", "))
	}
	for i, warn := range pv.Warnings {
		label := "         "
		if i == 0 {
			label = "Warnings "
		}
		fmt.Fprintf(w, "%s %s\n", label, warn)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type importResult struct {
	Company struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Action string `json:"action"`
	} `json:"company"`
	Agents   []struct{ Action string } `json:"agents"`
	Projects []struct{ Action string } `json:"projects"`
	Goals    []struct{ Action string } `json:"goals"`
	Issues   []struct{ Action string } `json:"issues"`
	Skills   []struct{ Action string } `json:"skills"`
	Warnings []string                  `json:"warnings"`
}

func tally[T interface{ act() string }](items []T) string {
	n := map[string]int{}
	for _, it := range items {
		n[it.act()]++
	}
	var parts []string
	for _, act := range []string{"created", "updated", "renamed", "skipped"} {
		if n[act] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[act], act))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

type actioned struct{ Action string }

func (x actioned) act() string { return x.Action }

func actions(list []struct{ Action string }) []actioned {
	out := make([]actioned, len(list))
	for i, v := range list {
		out[i] = actioned(v)
	}
	return out
}

func (a *app) printImportResult(ctx context.Context, s *session, raw json.RawMessage) error {
	var res importResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("unexpected import answer: %w", err)
	}
	var co struct {
		IssuePrefix string `json:"issuePrefix"`
	}
	s.api.getInto(ctx, apiPath("/api/companies/%s", res.Company.ID), nil, &co)
	fmt.Fprintf(a.stdout, "Imported into %s (%s): agents %s, projects %s, goals %s, issues %s, skills %s\n", res.Company.Name, co.IssuePrefix,
		tally(actions(res.Agents)), tally(actions(res.Projects)), tally(actions(res.Goals)), tally(actions(res.Issues)), tally(actions(res.Skills)))
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stdout, "warning: %s\n", w)
	}
	fmt.Fprintln(a.stdout, "Imported agents have their timer heartbeat turned off — enable it per agent when ready.")
	if co.IssuePrefix != "" {
		fmt.Fprintf(a.stdout, "Open: %s/%s/dashboard\n", strings.TrimSuffix(strings.TrimSuffix(s.api.base, "/"), "/api"), co.IssuePrefix)
	}
	return nil
}
