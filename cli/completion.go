package cli

import "github.com/spf13/cobra"

// addCompletionCommand installs cobra's `completion <shell>` command now rather than at
// Execute time, so its help texts carry examples like every other command.
func addCompletionCommand(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "completion":
			c.Example = "  paperclip completion bash > /etc/bash_completion.d/paperclip\n  paperclip completion zsh > \"${fpath[1]}/_paperclip\""
			for _, shell := range c.Commands() {
				shell.Example = "  paperclip completion " + shell.Name() + " --help"
			}
		case "help":
			c.Example = "  paperclip help issue list"
		}
	}
}
