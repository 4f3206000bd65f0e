package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fieldEntry is an Entry that tells its form when it is left (inline validation) and
// passes Esc to the screen's key router (Esc reverts the edit).
type fieldEntry struct {
	widget.Entry
	onBlur func()
	onEsc  func()
}

func newFieldEntry() *fieldEntry {
	e := &fieldEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *fieldEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onBlur != nil {
		e.onBlur()
	}
}

func (e *fieldEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}

// formView shows a formVM: a label, an editor, a red error line and a grey hint per field.
type formView struct {
	s       *session
	vm      *formVM
	entries map[string]*fieldEntry
	selects map[string]*widget.Select
	checks  map[string]*widget.Check
	labels  map[string]*widget.Label
	errs    map[string]*widget.Label
	msg     *widget.Label
	info    *widget.Label
	// set while the view writes the widgets, so their OnChanged do not echo back
	updating bool
	onSave   func()
	onCancel func()
	editable bool
}

func newFormView(s *session, vm *formVM, editable bool, onSave, onCancel func()) *formView {
	return &formView{s: s, vm: vm, editable: editable, onSave: onSave, onCancel: onCancel,
		entries: map[string]*fieldEntry{}, selects: map[string]*widget.Select{}, checks: map[string]*widget.Check{},
		labels: map[string]*widget.Label{}, errs: map[string]*widget.Label{}}
}

func (v *formView) build() fyne.CanvasObject {
	s := v.s
	grid := container.New(layout.NewFormLayout())
	for _, sp := range v.vm.specs {
		key := sp.key
		label := s.t(sp.label)
		if sp.required {
			label += " *"
		}
		var editor fyne.CanvasObject
		switch sp.kind {
		case kText, kPassword:
			e := newFieldEntry()
			e.Password = sp.kind == kPassword
			e.OnChanged = func(t string) {
				if !v.updating {
					v.vm.Set(key, t)
				}
			}
			e.onBlur = func() {
				v.vm.Blur(key)
				v.refreshErrors()
			}
			e.onEsc = v.onCancel
			e.OnSubmitted = func(string) {
				if v.onSave != nil {
					v.onSave()
				}
			}
			v.entries[key] = e
			editor = e
		case kChoice:
			sel := widget.NewSelect(nil, nil)
			sel.PlaceHolder = s.t("ui.choice.select")
			sel.OnChanged = func(lbl string) {
				if v.updating {
					return
				}
				for _, c := range sp.choices() {
					if v.choiceLabel(c) == lbl {
						v.vm.Set(key, c.value)
					}
				}
			}
			v.selects[key] = sel
			editor = sel
		case kCheck:
			c := widget.NewCheck("", func(on bool) {
				if !v.updating {
					v.vm.Set(key, fromBool(on))
				}
			})
			v.checks[key] = c
			editor = c
		case kLabel:
			l := widget.NewLabel("")
			l.Selectable = true
			v.labels[key] = l
			editor = l
		}
		el := errorLabel()
		v.errs[key] = el
		cell := container.NewVBox(editor, el)
		if sp.hint != "" {
			cell.Add(hintText(s.t(sp.hint)))
		}
		grid.Add(widget.NewLabel(label))
		grid.Add(cell)
	}
	v.msg = errorLabel()
	v.info = widget.NewLabel("")
	v.info.Importance = widget.SuccessImportance
	v.refresh()
	return container.NewVBox(grid, v.msg, v.info)
}

func (v *formView) choiceLabel(c choice) string {
	if c.key {
		return v.s.t(c.label)
	}
	return c.label
}

// refresh writes the view-model into the widgets.
func (v *formView) refresh() {
	v.updating = true
	defer func() { v.updating = false }()
	for _, sp := range v.vm.specs {
		key := sp.key
		fixed := v.vm.Fixed(key) || !v.editable
		val := v.vm.Get(key)
		switch sp.kind {
		case kText, kPassword:
			e := v.entries[key]
			if e.Text != val {
				e.SetText(val)
			}
			if fixed {
				e.Disable()
			} else {
				e.Enable()
			}
		case kChoice:
			sel := v.selects[key]
			var opts []string
			cur := ""
			for _, c := range sp.choices() {
				opts = append(opts, v.choiceLabel(c))
				if c.value == val {
					cur = v.choiceLabel(c)
				}
			}
			sel.SetOptions(opts)
			if cur == "" {
				sel.ClearSelected()
			} else {
				sel.SetSelected(cur)
			}
			if fixed {
				sel.Disable()
			} else {
				sel.Enable()
			}
		case kCheck:
			c := v.checks[key]
			c.SetChecked(isTrue(val))
			if fixed {
				c.Disable()
			} else {
				c.Enable()
			}
		case kLabel:
			v.labels[key].SetText(val)
		}
	}
	v.refreshErrors()
}

// refreshErrors shows the errors placed at fields and the form's message line.
func (v *formView) refreshErrors() {
	for key, l := range v.errs {
		setErrorLabel(l, v.s.errText(v.vm.Err(key)))
	}
	setErrorLabel(v.msg, v.s.errText(v.vm.msg))
}

// setInfo shows a result line under the form ("已保存").
func (v *formView) setInfo(text string) {
	v.info.SetText(text)
}

// focusFirstError puts the cursor in the first field with an error, or the first field.
func (v *formView) focusFirstError() {
	key := v.vm.firstErr()
	if e, ok := v.entries[key]; ok {
		v.s.win.Canvas().Focus(e)
	}
}

// focusFirst puts the cursor in the first editable text field.
func (v *formView) focusFirst() {
	for _, sp := range v.vm.specs {
		if e, ok := v.entries[sp.key]; ok && !e.Disabled() {
			v.s.win.Canvas().Focus(e)
			return
		}
	}
}

// hintText is a field's rule in small grey words under it.
func hintText(text string) fyne.CanvasObject {
	r := widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		SizeName: theme.SizeNameText, ColorName: theme.ColorNamePlaceHolder, Inline: true}})
	r.Wrapping = fyne.TextWrapWord
	return r
}
