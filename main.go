// Command shopbooks is ShopBooks (店账): without arguments it opens the window; with a
// subcommand it runs the CLI (see README.md). This file only wires the two together.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

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
			exitIfStuck(o)
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

// exitIfStuck ends the program when a termination signal has not closed the window within
// a few seconds. Fyne quits on SIGINT/SIGTERM through its event loop; if that loop is busy,
// the signal would be lost. Every write is one SQLite transaction, so ending here is as safe
// as a crash: nothing half-written survives.
func exitIfStuck(o cli.GUIOptions) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		time.Sleep(5 * time.Second)
		if o.Log != nil {
			o.Log.Warn("window did not close after a signal: exiting", "signal", s.String())
		}
		os.Exit(1)
	}()
}
