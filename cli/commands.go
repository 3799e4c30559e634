package cli

import "github.com/spf13/cobra"

// addClientCommands adds the API client nouns (cli.md §8, §9) and the remaining setup
// commands to root.
func (a *app) addClientCommands(root *cobra.Command) {
	root.AddCommand(
		newCompanyCommand(a),
		newIssueCommand(a),
		newAgentCommand(a),
		newApprovalCommand(a),
		newActivityCommand(a),
		newDashboardCommand(a),
		newGoalCommand(a),
		newProjectCommand(a),
		newCostCommand(a),
		newHeartbeatCommand(a),
		newContextCommand(a),
		newConfigureCommand(a),
		newEnvCommand(a),
		newAllowedHostnameCommand(a),
		newAuthCommand(a),
	)
}
