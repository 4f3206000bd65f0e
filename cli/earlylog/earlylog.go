// Package earlylog silences the standard logger before any library's init runs. Fyne's
// packages log from their init (an unparsable system locale such as LANG=C prints "Fyne
// error: Error parsing user locale C" with a timestamp), which would land on every CLI
// command's stderr. Go initialises packages in import-path order among those whose
// imports are ready, and this module's path, "0earlylog", sorts before every other, so
// its init runs first. main.go then routes the standard logger to the app's log.
package earlylog

import (
	"io"
	"log"
)

func init() { log.SetOutput(io.Discard) }
