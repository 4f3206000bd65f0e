package main

import (
	"fyne.io/fyne/v2/app"

	"shopbooks/cli"
	"shopbooks/ui"
)

// runGUI opens the window: the only place besides main.go that knows Fyne's app driver.
func runGUI(o cli.GUIOptions) error {
	a := app.NewWithID("cn.shopbooks.app")
	return ui.Run(a, ui.Options{
		BookPath:     o.BookPath,
		BookExplicit: o.BookExplicit,
		Lang:         o.Lang,
		Screen:       o.Screen,
		User:         o.User,
		Password:     o.Password,
		ConfigDir:    o.ConfigDir,
		Log:          o.Log,
		Remember:     o.Remember,
	})
}
