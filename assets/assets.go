// Package assets holds the files embedded in the program: the CJK font, the seed chart of
// accounts and the translation catalogs (package assets/i18n). It imports nothing of ours
// and nothing of Fyne: whoever needs a file wraps the bytes.
package assets

import _ "embed"

// FontCJK is Droid Sans Fallback (Apache-2.0, see fonts/LICENSE-DroidSansFallback.txt), a
// single TrueType face with CJK glyphs, so Chinese renders on a machine with no CJK fonts.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var FontCJK []byte

// ChartTSV is the seed chart of accounts of DOMAIN.md §1.3, one account a line.
//
//go:embed chart.tsv
var ChartTSV string
