package cli

import (
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// API client commands (cli.md §7, §8) all have the same frame: positional arguments
// checked by name, the common client flags, -C when the command is company-scoped, --yes
// on deletes, flags checked before anything is sent, one session, one request and the
// answer printed in §7's format. clientCommand declares only what one command adds to
// that frame, and newClientCommand builds the frame, so the shared rules live here once
// and each noun file reads as a list of its commands.

// companyUse says what -C/--company-id means to a client command.
type companyUse int

const (
	// noCompany: the command has no -C.
	noCompany companyUse = iota
	// companyFlag: -C is resolved into the session; the command's run reads it (and
	// calls s.company() where the company is required).
	companyFlag
	// companyScoped: the request path's %s is the resolved company, which is required.
	companyScoped
	// companyLookup: -C is optional and sent as ?companyId=, so the server can resolve a
	// shortname or url key in that company.
	companyLookup
)

// clientCommand declares one API client command.
type clientCommand struct {
	name    string   // the verb; Use is the name followed by "<arg>" for each of args
	args    []string // names of the positional arguments
	short   string
	example string

	company      companyUse
	companyUsage string // -C's usage when the default text does not fit

	flags    func(fl *pflag.FlagSet) // the command's own flags, bound to its variables
	required []string                // own flags that must be given
	confirm  bool                    // a delete: adds --yes and refuses without it

	// check validates flags and arguments before a session is opened, so bad input is
	// reported before anything is sent.
	check func(cmd *cobra.Command, args []string) error

	// The command's one request, when run is nil: method and path, whose %s verbs are
	// filled (escaped) with the company for companyScoped, else with the arguments.
	method string
	path   string
	query  func() url.Values                     // query parameters from flags
	body   func(cmd *cobra.Command) (any, error) // built and checked before the session
	// columns, when set, are the keys a human-mode list line shows (§7's order).
	columns []string

	// run replaces the declared request for commands that make several calls or shape
	// the answer themselves.
	run func(cmd *cobra.Command, s *session, args []string) error
}

// newClientCommand builds the cobra command cc declares.
func newClientCommand(a *app, cc clientCommand) *cobra.Command {
	var f clientFlags
	var yes bool
	use := cc.name
	for _, arg := range cc.args {
		use += " <" + arg + ">"
	}
	cmd := &cobra.Command{
		Use:          use,
		Short:        cc.short,
		Example:      cc.example,
		Args:         exactArgs(cc.args...),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runClientCommand(cmd, &f, &cc, yes, args)
		},
	}
	if cc.company != noCompany {
		addCompanyFlag(cmd, &f, cc.companyUsage)
	}
	if cc.flags != nil {
		cc.flags(cmd.Flags())
	}
	if cc.confirm {
		cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	}
	for _, name := range cc.required {
		cmd.MarkFlagRequired(name)
	}
	addClientFlags(cmd, &f)
	return cmd
}

// runClientCommand checks the input, opens the session and makes cc's request.
func (a *app) runClientCommand(cmd *cobra.Command, f *clientFlags, cc *clientCommand, yes bool, args []string) error {
	if cc.confirm {
		if err := refuseWithoutYes(yes); err != nil {
			return err
		}
	}
	if cc.check != nil {
		if err := cc.check(cmd, args); err != nil {
			return err
		}
	}
	var b any
	if cc.body != nil {
		var err error
		if b, err = cc.body(cmd); err != nil {
			return err
		}
	}
	s, err := a.newSession(f)
	if err != nil {
		return err
	}
	if cc.run != nil {
		return cc.run(cmd, s, args)
	}
	segments := args
	if cc.company == companyScoped {
		c, err := s.company()
		if err != nil {
			return err
		}
		segments = []string{c}
	}
	var q url.Values
	if cc.query != nil {
		q = cc.query()
	}
	if cc.company == companyLookup {
		q = companyQuery(s.companyID)
	}
	if cc.method == http.MethodPost && b == nil {
		b = map[string]any{} // a bodiless POST still sends {}
	}
	raw, err := s.api.do(cmd.Context(), cc.method, apiPath(cc.path, segments...), q, b)
	if err != nil {
		return err
	}
	return s.printRows(raw, cc.columns...)
}

// payloadFlag binds --payload-json, the whole request body of create and update
// commands; schema names the body's shape in the usage text.
func payloadFlag(payload *string, def, schema string) func(fl *pflag.FlagSet) {
	return func(fl *pflag.FlagSet) {
		fl.StringVar(payload, "payload-json", def, schema+" JSON payload")
	}
}

// payloadBody checks a --payload-json value before it is sent unchanged.
func payloadBody(payload *string) func(*cobra.Command) (any, error) {
	return func(*cobra.Command) (any, error) {
		raw, err := parseJSONFlag("payload-json", *payload)
		if err != nil {
			return nil, err
		}
		return raw, nil
	}
}

// nonEmptyQuery is the query of the pairs whose value is not empty.
func nonEmptyQuery(pairs map[string]string) url.Values {
	q := url.Values{}
	for k, v := range pairs {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}
