// Command shopbooks is ShopBooks (店账): without arguments it opens the window; with a
// subcommand it runs the CLI (see README.md). This file only wires the two together.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"

	_ "0earlylog" // first of all: no library noise on the CLI's stderr

	"shopbooks/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		GUI: func(o cli.GUIOptions) error {
			// The window's libraries report through the standard logger: into our log.
			if o.Log != nil {
				log.SetOutput(slogWriter{o.Log})
			}
			return runGUI(o)
		},
	})
	stop()
	os.Exit(code)
}

// slogWriter turns the standard logger's lines into warnings of our log.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Warn("library", "message", string(p))
	return len(p), nil
}
