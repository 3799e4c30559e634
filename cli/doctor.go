package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Check statuses.
const (
	statusPass = "pass"
	statusWarn = "warn"
	statusFail = "fail"
)

// checkResult is one doctor line (§5.3) and its --json form.
type checkResult struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	Repaired bool   `json:"repaired,omitempty"`

	// repair fixes a non-passing check; nil when it cannot be repaired.
	repair func(context.Context) error
}

// doctorReport is the outcome of all checks.
type doctorReport struct {
	Checks []checkResult `json:"checks"`
	Passed int           `json:"passed"`
	Warned int           `json:"warned"`
	Failed int           `json:"failed"`

	// interrupted is set when Ctrl-C answered a repair question.
	interrupted bool
}

type doctorOptions struct {
	instanceID string
	repair     bool
	yes        bool
	json       bool
	// forRun is the doctor inside run: database creation is left to the server start
	// (which backs up before migrating), and the instance lock is run's own, so the port
	// check does not report this very process as "running".
	forRun bool
}

func newDoctorCommand(a *app) *cobra.Command {
	var opts doctorOptions
	var fix bool
	cmd := &cobra.Command{
		Use:          "doctor",
		Example:      "  paperclip doctor\n  paperclip doctor --repair --yes\n  paperclip doctor --json",
		Short:        "Check this instance and optionally repair it",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.repair = opts.repair || fix
			inst, err := a.resolveInstance(opts.instanceID)
			if err != nil {
				return err
			}
			if err := a.loadDotenv(inst); err != nil {
				return err
			}
			rep := a.doctor(cmd.Context(), inst, opts)
			if rep.interrupted {
				return errInterrupted
			}
			if opts.json {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			}
			if rep.Failed > 0 {
				return errSilent
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.instanceID, "instance", "i", "", "instance id (same as PAPERCLIP_INSTANCE_ID)")
	f.BoolVar(&opts.repair, "repair", false, "attempt to repair failed checks")
	f.BoolVar(&fix, "fix", false, "same as --repair")
	f.BoolVarP(&opts.yes, "yes", "y", false, "repair without asking")
	f.BoolVar(&opts.json, "json", false, "print the results as JSON")
	return cmd
}

// doctor runs the checks in order, repairing when asked. Human output goes to stdout as
// it happens; with opts.json nothing is printed and prompts go to stderr.
func (a *app) doctor(ctx context.Context, inst *instance, opts doctorOptions) *doctorReport {
	out, prompt := a.stdout, a.prompt
	if opts.json {
		out, prompt = io.Discard, newPrompter(ctx, a.stdin, a.stderr, a.stdinTTY)
	}
	d := &doctorRun{a: a, inst: inst, opts: opts}
	rep := &doctorReport{Checks: []checkResult{}}
	for i, c := range d.checks() {
		res := c(ctx)
		a.printCheck(out, res)
		repair := false
		if opts.repair && res.Status != statusPass && res.repair != nil {
			var err error
			if repair, err = a.mayRepair(prompt, res.Name, opts); errors.Is(err, errInterrupted) {
				rep.interrupted = true // Ctrl-C at the question: repair nothing, report nothing
				return rep
			}
		}
		if repair {
			if err := res.repair(ctx); err != nil {
				fmt.Fprintf(out, "    Repair failed: %v\n", err)
			} else {
				res = c(ctx)
				res.Repaired = true
				a.printCheck(out, res)
			}
		}
		rep.Checks = append(rep.Checks, res)
		switch res.Status {
		case statusPass:
			rep.Passed++
		case statusWarn:
			rep.Warned++
		default:
			rep.Failed++
		}
		if i == 0 && res.Status == statusFail {
			break // nothing else can be checked without a usable config
		}
	}
	fmt.Fprintf(out, "\n%d passed, %d warnings, %d failed\n", rep.Passed, rep.Warned, rep.Failed)
	switch {
	case rep.Failed > 0:
		fmt.Fprintln(out, a.paint("31", "Some checks failed. Fix the issues above and re-run doctor."))
	case rep.Warned > 0:
		fmt.Fprintln(out, a.paint("33", "All critical checks passed with some warnings."))
	default:
		fmt.Fprintln(out, a.paint("32", "All checks passed!"))
	}
	return rep
}

// mayRepair asks before a repair unless --yes; without a terminal it never repairs.
// Only errInterrupted is returned: any other failure to answer means no.
func (a *app) mayRepair(p *prompter, name string, opts doctorOptions) (bool, error) {
	if opts.yes {
		return true, nil
	}
	if !a.stdinTTY {
		return false, nil
	}
	ok, err := p.confirm(fmt.Sprintf("Repair %q?", name), true)
	if errors.Is(err, errInterrupted) {
		return false, err
	}
	return err == nil && ok, nil
}

func (a *app) printCheck(out io.Writer, r checkResult) {
	mark := map[string]string{statusPass: a.paint("32", "✓"), statusWarn: a.paint("33", "!"), statusFail: a.paint("31", "✗")}[r.Status]
	fmt.Fprintf(out, "%s %s: %s\n", mark, r.Name, r.Message)
	if r.Status != statusPass && r.Hint != "" {
		fmt.Fprintf(out, "    %s\n", r.Hint)
	}
}
