// Command shopbooks is ShopBooks (店账): without arguments it opens the window; with a
// subcommand it runs the CLI (see README.md). This file only wires the two together.
package main

import (
	"context"
	"os"
	"os/signal"

	"shopbooks/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		GUI:    runGUI,
	})
	stop()
	os.Exit(code)
}
