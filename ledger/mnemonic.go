package ledger

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

// Mnemonic returns the 助记码 of a name: the pinyin initial of each Chinese character and
// the letters and digits of the rest, upper-case: 洗衣液2kg → XYY2KG. A clerk finds the item
// by typing any part of it, in either case.
func Mnemonic(name string) string {
	var b strings.Builder
	for _, r := range Normalize(name) {
		switch {
		case unicode.Is(unicode.Han, r):
			if p := pinyin.SinglePinyin(r, pinyinArgs); len(p) > 0 && p[0] != "" {
				b.WriteString(strings.ToUpper(p[0][:1]))
			}
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToUpper(r))
		}
		if b.Len() >= 30 {
			break
		}
	}
	return b.String()
}
