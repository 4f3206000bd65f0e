package ui

import (
	"errors"
	"maps"

	"shopbooks/ledger"
)

// fieldKind tells how a form field is edited.
type fieldKind int

const (
	kText     fieldKind = iota // one-line entry
	kPassword                  // hidden entry
	kChoice                    // pick one of choices
	kCheck                     // tick box: "1" or ""
	kLabel                     // read only, shown as a selectable label
)

// choice is one value a kChoice field offers; label is a catalog key when key is true,
// else shown as is.
type choice struct {
	value, label string
	key          bool
}

// fieldSpec describes one field of a form. key is the name the ledger uses in an
// *Error's Args["field"], so a refusal lands next to the field it names.
type fieldSpec struct {
	key      string
	label    string // catalog key
	kind     fieldKind
	required bool
	choices  func() []choice
	// check parses the text as the save will, to show a mistake on leaving the field.
	check func(s string) error
	// fixed fields are read only once the record exists (a code of a used account).
	fixed bool
	// hint is a catalog key shown under the field in grey (e.g. "never changes").
	hint string
}

// uiError is a refusal found by the window itself (two passwords differ), a catalog key.
type uiError struct {
	Key   string
	Field string
}

func (e *uiError) Error() string { return e.Key }

// formVM holds a form's text as typed, the text last saved or loaded, and the errors
// placed at fields. It knows nothing of widgets: they read and write it.
type formVM struct {
	specs []fieldSpec
	text  map[string]string
	saved map[string]string
	errs  map[string]error
	msg   error // a refusal that names no field of the form
	isNew bool
}

func newForm(specs []fieldSpec) *formVM {
	return &formVM{specs: specs, text: map[string]string{}, saved: map[string]string{}, errs: map[string]error{}}
}

// load shows a record: its text becomes both the typed and the saved text.
func (f *formVM) load(vals map[string]string, isNew bool) {
	f.text = maps.Clone(vals)
	f.saved = maps.Clone(vals)
	f.errs = map[string]error{}
	f.msg = nil
	f.isNew = isNew
}

// Get returns the text of a field as typed.
func (f *formVM) Get(key string) string { return f.text[key] }

// Set records what the user typed; an error at the field stays until the field is left
// or saved again.
func (f *formVM) Set(key, val string) { f.text[key] = val }

// Blur is called when the user leaves a field: the field's parser runs on the text and its
// error is shown under it (the text is kept).
func (f *formVM) Blur(key string) {
	delete(f.errs, key)
	sp := f.spec(key)
	if sp == nil || sp.check == nil || f.text[key] == "" {
		return
	}
	if err := sp.check(f.text[key]); err != nil {
		f.errs[key] = err
	}
}

// Err returns the error shown at a field, or nil.
func (f *formVM) Err(key string) error { return f.errs[key] }

// Dirty tells whether anything differs from the saved text.
func (f *formVM) Dirty() bool {
	for k, v := range f.text {
		if f.saved[k] != v {
			return true
		}
	}
	for k, v := range f.saved {
		if f.text[k] != v {
			return true
		}
	}
	return false
}

// Revert puts back the saved text (Esc).
func (f *formVM) Revert() {
	f.text = maps.Clone(f.saved)
	f.errs = map[string]error{}
	f.msg = nil
}

// Fixed tells whether a field is read only now.
func (f *formVM) Fixed(key string) bool {
	sp := f.spec(key)
	return sp != nil && (sp.kind == kLabel || sp.fixed && !f.isNew)
}

func (f *formVM) spec(key string) *fieldSpec {
	for i := range f.specs {
		if f.specs[i].key == key {
			return &f.specs[i]
		}
	}
	return nil
}

// place puts a refusal next to the field its Args["field"] names, or in the form's
// message line; the text stays as typed.
func (f *formVM) place(err error) {
	f.errs = map[string]error{}
	f.msg = nil
	if err == nil {
		return
	}
	field := ""
	if e, ok := errors.AsType[*ledger.Error](err); ok {
		field = e.Field()
		if field == "" || f.spec(field) == nil {
			field = fieldOfCode(e)
		}
	} else if e, ok := errors.AsType[*uiError](err); ok {
		field = e.Field
	}
	if field != "" && f.spec(field) != nil && f.spec(field).kind != kLabel {
		f.errs[field] = err
		return
	}
	f.msg = err
}

// firstErr is the key of the first field with an error, for focus.
func (f *formVM) firstErr() string {
	for _, sp := range f.specs {
		if f.errs[sp.key] != nil {
			return sp.key
		}
	}
	return ""
}

// bool helpers: check boxes keep "1" or "".
func fromBool(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func isTrue(s string) bool { return s == "1" }

// fieldOfCode places refusals that name no field by what they are about: an unknown item
// at the item field, a partner rule at the partner field, and so on.
func fieldOfCode(e *ledger.Error) string {
	switch e.Code {
	case ledger.CodeAuxRequired, ledger.CodeAuxNotAllowed, ledger.CodeAuxWrongKind, ledger.CodeUnknownPartner:
		return "partner"
	case ledger.CodeUnknownItem:
		return "item"
	case ledger.CodeUnknownWH:
		return "warehouse"
	case ledger.CodeUnknownUnit:
		return "unit"
	case ledger.CodeUnknownCategory:
		return "category"
	case ledger.CodeBadPassword, ledger.CodeUserInactive, ledger.CodeUnknownUser:
		return "user"
	}
	if _, ok := e.Args["account"]; ok {
		return "account"
	}
	return ""
}
