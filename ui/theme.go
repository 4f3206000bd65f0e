package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"shopbooks/assets"
)

// fontCJK is Droid Sans Fallback, embedded, so Chinese renders on a machine without CJK
// fonts. It has one weight: bold and italic text use it too (Fyne cannot embolden it).
var fontCJK = fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.FontCJK)

// shopTheme is Fyne's default theme with the CJK font for text; monospace text (digits in
// amounts) keeps Fyne's own face.
type shopTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return &shopTheme{Theme: theme.DefaultTheme()} }

func (t *shopTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return fontCJK
}

// Color is always the light variant: a bookkeeping window reads like paper, whatever the
// desktop's dark mode says.
func (t *shopTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
