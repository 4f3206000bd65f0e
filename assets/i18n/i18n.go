// Package i18n is the one translation catalog of ShopBooks (zh-CN and en), shared by the
// GUI, the CLI and the reports. Messages live in <lang>/*.json as flat key → template
// maps; every file of a language is merged, and a key defined twice is a build error
// caught by the tests. Templates name their arguments: "编码 {value} 已存在".
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed en/*.json zh-CN/*.json
var files embed.FS

// Lang is a language tag the catalog has.
type Lang string

// The languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the languages.
var Langs = []Lang{ZH, EN}

// Catalog is one language's messages.
type Catalog struct {
	Lang Lang
	msgs map[string]string
}

var catalogs = func() map[Lang]*Catalog {
	out := map[Lang]*Catalog{}
	for _, l := range Langs {
		c, err := load(l)
		if err != nil {
			panic(err) // the catalog is part of the program; TestCatalog catches this first
		}
		out[l] = c
	}
	return out
}()

func load(l Lang) (*Catalog, error) {
	c := &Catalog{Lang: l, msgs: map[string]string{}}
	entries, err := fs.ReadDir(files, string(l))
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(files, path.Join(string(l), e.Name()))
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n %s/%s: %w", l, e.Name(), err)
		}
		for k, v := range m {
			if _, dup := c.msgs[k]; dup {
				return nil, fmt.Errorf("i18n %s/%s: key %q defined twice", l, e.Name(), k)
			}
			c.msgs[k] = v
		}
	}
	return c, nil
}

// Parse reads a language setting ("zh", "zh_CN.UTF-8", "en-US", "EN") into a Lang; ok is
// false when it names neither language.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "zh"):
		return ZH, true
	case strings.HasPrefix(s, "en"):
		return EN, true
	}
	return EN, false
}

// FromEnv picks the language from the environment as a desktop does (LC_ALL,
// LC_MESSAGES, LANG, LANGUAGE): Chinese when the system speaks Chinese, else English.
func FromEnv() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		if s := os.Getenv(v); s != "" && s != "C" && s != "POSIX" {
			l, _ := Parse(s)
			return l
		}
	}
	return EN
}

// For returns the catalog of a language (English for an unknown one).
func For(l Lang) *Catalog {
	if c, ok := catalogs[l]; ok {
		return c
	}
	return catalogs[EN]
}

// Has tells whether key is in the catalog.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the message for key with {name} placeholders filled from args. A missing key
// returns the key itself, so a gap shows rather than hides; tests keep the catalogs full.
func (c *Catalog) T(key string, args ...map[string]any) string {
	msg, ok := c.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		name := msg[i+1 : i+j]
		v, found := args[0][name]
		if found {
			if tr, ok := v.(Key); ok {
				b.WriteString(c.T(string(tr)))
			} else {
				fmt.Fprint(&b, v)
			}
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	return b.String()
}

// Key is an argument value that is itself translated (a field name, say).
type Key string

// Error translates a refusal: the message "err.<code>" with its args, where the args
// "field" and "what" are themselves translated ("field.<name>", "what.<name>"), as is
// any value that is a key of fields, statuses, verify's findings or account roles
// ("account_role.receivable").
func (c *Catalog) Error(code string, args map[string]any) string {
	a := make(map[string]any, len(args))
	for k, v := range args {
		a[k] = v
		s, ok := v.(string)
		switch {
		case !ok:
		case (k == "field" || k == "what") && c.Has(k+"."+s):
			a[k] = Key(k + "." + s)
		case (strings.HasPrefix(s, "field.") || strings.HasPrefix(s, "status.") || strings.HasPrefix(s, "verify.how.") ||
			strings.HasPrefix(s, "account_role.")) && c.Has(s):
			a[k] = Key(s)
		}
	}
	key := "err." + code
	if !c.Has(key) {
		key = "err.internal"
	}
	return c.T(key, a)
}
