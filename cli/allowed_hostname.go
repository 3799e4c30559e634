package cli

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// allowed-hostname (cli.md §5.7): add a host name to server.allowedHostnames.

func newAllowedHostnameCommand(a *app) *cobra.Command {
	var instanceID string
	cmd := &cobra.Command{
		Use:   "allowed-hostname <host>",
		Short: "Allow a host name for authenticated/private mode access",
		Example: "  paperclip allowed-hostname my-laptop.local\n" +
			"  paperclip allowed-hostname https://paperclip.example.com:8443/",
		Args:         exactArgs("host"),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			host, err := normalizeHostname(args[0])
			if err != nil {
				return err
			}
			inst, err := a.resolveInstance(instanceID)
			if err != nil {
				return err
			}
			cfg, err := readConfig(inst)
			if err != nil {
				return err
			}
			if oneOf(host, cfg.Server.AllowedHostnames...) {
				a.printf("Hostname already allowed: %s\n", host)
			} else {
				cfg.Server.AllowedHostnames = append(cfg.Server.AllowedHostnames, host)
				if err := writeConfig(inst, cfg.Config, "allowed-hostname", a.now()); err != nil {
					return err
				}
				a.printf("Allowed hostname added: %s\n", host)
				if running, _, _ := probeLock(inst.LockPath()); running {
					a.printf("Restart Paperclip to apply.\n")
				}
			}
			if cfg.Server.DeploymentMode == modeLocalTrusted {
				a.printf("Note: allowed hostnames only apply in authenticated/private mode.\n")
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	return cmd
}

var hostLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// normalizeHostname lower-cases v and strips a scheme, port and path, then requires a
// host name or IP address.
func normalizeHostname(v string) (string, error) {
	h := strings.ToLower(strings.TrimSpace(v))
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	if i := strings.LastIndex(h, "@"); i >= 0 {
		h = h[i+1:]
	}
	if strings.HasPrefix(h, "[") {
		if end := strings.Index(h, "]"); end > 0 {
			h = h[1:end]
		}
	} else if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(h, ".")
	bad := fmt.Errorf("Invalid host %q: expected a host name or IP address, such as my-laptop.local", v)
	if h == "" {
		return "", bad
	}
	if net.ParseIP(h) != nil {
		return h, nil
	}
	if len(h) > 253 {
		return "", bad
	}
	for _, label := range strings.Split(h, ".") {
		if !hostLabelRe.MatchString(label) {
			return "", bad
		}
	}
	return h, nil
}
