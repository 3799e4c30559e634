// Command paperclip is the control plane for AI-agent companies: server, setup tool and
// API client in one binary. Everything lives in package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"paperclip/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
