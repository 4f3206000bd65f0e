package cli

import (
	"errors"
	"strings"
	"testing"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Fuzz targets for the command line (issue 7): a batch line split into words, and words
// parsed into a command. Any text gives words or a translated usage error, never a
// panic; words quoted back and split again are the same words.

var lineSeeds = []string{
	`doc add --type XS --date 2025-01-05 --partner C1 --line "A001 2 32.00"`,
	`item add --code A --name '洗衣液 2kg' --unit 瓶 # comment`,
	`item add --code "unterminated`, `'`, `"\"\\"`, `C:\shop\books\a.book`, "a\u3000b\tc\r",
	`--book x.book --lang en report bs --period 2025-01`, `-- --code`, `--buy -5 --sell=-500`,
	`batch`, `help`, `item`, `item add --code=`, "\xff\xfe\x00", `#`, `a\ b\#c`,
}

func FuzzSplitWords(f *testing.F) {
	for _, s := range lineSeeds {
		f.Add(s)
	}
	cat := i18n.For(i18n.ZH)
	f.Fuzz(func(t *testing.T, line string) {
		words, err := splitWords(line)
		if err != nil {
			ue, ok := errors.AsType[*usageError](err)
			if !ok || !cat.Has(ue.key) {
				t.Fatalf("%q: error %v is not a translated usage error", line, err)
			}
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(w) + `"`
		}
		again, err := splitWords(strings.Join(quoted, " "))
		if err != nil || len(again) != len(words) {
			t.Fatalf("%q → %q; quoted back %q → %q, %v", line, words, quoted, again, err)
		}
		for i := range words {
			if again[i] != words[i] {
				t.Fatalf("%q → %q; quoted back → %q", line, words, again)
			}
		}
	})
}

func FuzzParseCommandLine(f *testing.F) {
	for _, s := range lineSeeds {
		f.Add(s)
	}
	cat := i18n.For(i18n.EN)
	f.Fuzz(func(t *testing.T, line string) {
		words, err := splitWords(line)
		if err != nil {
			return
		}
		inv, err := parse(words)
		if err != nil {
			ue, isUsage := errors.AsType[*usageError](err)
			le, isLedger := errors.AsType[*ledger.Error](err)
			switch {
			case isUsage && cat.Has(ue.key):
			case isLedger && cat.Has("err."+string(le.Code)):
			default:
				t.Fatalf("%q: error %v is not translated", line, err)
			}
			return
		}
		if inv.cmd != nil && inv.family == nil {
			t.Fatalf("%q: a command without its family", line)
		}
	})
}
