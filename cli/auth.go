package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"paperclip/store"
)

// auth (cli.md §5.8): bootstrap of the first instance admin. Login and API keys for
// board users come with authenticated mode.

func newAuthCommand(a *app) *cobra.Command {
	return newGroupCommand("auth", "Authentication and bootstrap utilities",
		"  paperclip auth bootstrap-ceo --expires-hours 24",
		newAuthBootstrapCEOCommand(a),
	)
}

func newAuthBootstrapCEOCommand(a *app) *cobra.Command {
	var instanceID, baseURL string
	var force bool
	var hours int
	cmd := &cobra.Command{
		Use:   "bootstrap-ceo",
		Short: "Create a one-time invite URL for the first instance admin (authenticated mode)",
		Example: "  paperclip auth bootstrap-ceo\n" +
			"  paperclip auth bootstrap-ceo --force --base-url https://paperclip.example.com",
		Args:         exactArgs(),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			inst, err := a.resolveInstance(instanceID)
			if err != nil {
				return err
			}
			if err := a.loadDotenv(inst); err != nil {
				return err
			}
			cfg, err := readConfig(inst)
			if err != nil {
				return err
			}
			if a.envString("PAPERCLIP_DEPLOYMENT_MODE", cfg.Server.DeploymentMode) == modeLocalTrusted {
				a.printf("Deployment mode is local_trusted: no login, no bootstrap invite needed.\n")
				return nil
			}
			hours = min(max(hours, 1), 720)
			if err := mkdirPrivate(filepath.Dir(cfg.Database.Path)); err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Database.Path, store.Options{})
			if err != nil {
				return fmt.Errorf("open database %s: %w", cfg.Database.Path, err)
			}
			defer st.Close()
			inv, err := st.CreateBootstrapInvite(cmd.Context(), time.Duration(hours)*time.Hour, force)
			if store.ErrorCode(err) == store.ECONFLICT {
				return &cliError{msg: "An instance admin already exists. Use --force to create a new bootstrap invite."}
			}
			if err != nil {
				return err
			}
			base := strings.TrimRight(firstNonEmpty(baseURL, a.getenv("PAPERCLIP_PUBLIC_URL"), cfg.publicURL()), "/")
			if base == "" {
				host := cfg.Server.effectiveHost()
				if host == "0.0.0.0" || host == "::" {
					host = "localhost"
				}
				port := cfg.Server.Port
				if p, err := strconv.Atoi(a.getenv("PORT")); err == nil && p > 0 {
					port = p
				}
				base = fmt.Sprintf("http://%s:%d", host, port)
			}
			a.printf("Bootstrap invite (expires %s):\n%s/invite/%s\n", inv.ExpiresAt, base, inv.Token)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	fl.BoolVar(&force, "force", false, "create a new invite even if an admin already exists")
	fl.IntVar(&hours, "expires-hours", 72, "hours until the invite expires (1..720)")
	fl.StringVar(&baseURL, "base-url", "", "public base URL used in the printed link")
	return cmd
}
