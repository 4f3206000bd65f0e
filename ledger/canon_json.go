package ledger

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Row images are JSON objects as json.Marshal writes a map[string]any: keys sorted,
// strings HTML-escaped. verify builds one for every row of the book and rebuilds one for
// every audited row, so they are written here without reflection; the output is the
// same bytes as json.Marshal's (a test compares them), and any value of a type this
// does not know goes to json.Marshal.

// canonJSON is json.Marshal(v) for the values images hold.
func canonJSON(v any) ([]byte, error) {
	return appendCanon(make([]byte, 0, 256), v)
}

func appendCanon(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case string:
		return appendCanonString(buf, x), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case json.RawMessage:
		if json.Valid(x) && isCompact(x) {
			return append(buf, x...), nil
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendCanonString(buf, k)
			buf = append(buf, ':')
			if buf, err = appendCanon(buf, x[k]); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	case map[string]json.RawMessage:
		// The values were cut from compact JSON by json.Unmarshal: written as they are.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendCanonString(buf, k)
			buf = append(buf, ':')
			buf = append(buf, x[k]...)
		}
		return append(buf, '}'), nil
	case []any:
		return appendCanonList(buf, x)
	case []map[string]any:
		return appendCanonList(buf, x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf, b...), nil
}

func appendCanonList[T any](buf []byte, xs []T) ([]byte, error) {
	if xs == nil {
		return append(buf, "null"...), nil
	}
	buf = append(buf, '[')
	var err error
	for i, e := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = appendCanon(buf, e); err != nil {
			return nil, err
		}
	}
	return append(buf, ']'), nil
}

// isCompact tells whether raw JSON has no whitespace outside strings (json.Marshal
// compacts a RawMessage).
func isCompact(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\n' || c == '\r' || c == '\t'):
			return false
		}
	}
	return true
}

// appendCanonString quotes s as json.Marshal does: when s holds only characters that
// need no escape, as is; otherwise by json.Marshal itself.
func appendCanonString(buf []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				plain = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			plain = false
			break
		}
		i += n
	}
	if plain {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	b, _ := json.Marshal(s)
	return append(buf, b...)
}
