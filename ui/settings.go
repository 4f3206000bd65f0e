package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// settingsVM is 账套设置: the book's settings (DOMAIN.md §1.2), each with its change rule,
// and the account roles (§1.4).
type settingsVM struct {
	s     *session
	form  *formVM
	roles *rolesVM
	cur   ledger.Settings
	err   error
	info  string
	view  *formView // the widgets now shown
}

func newSettings(s *session) *settingsVM {
	v := &settingsVM{s: s}
	rate := func(vals ...string) func() []choice {
		return func() []choice {
			var out []choice
			for _, x := range vals {
				out = append(out, choice{value: x, label: x + "%"})
			}
			return out
		}
	}
	v.form = newForm([]fieldSpec{
		{key: "name", label: "ui.field.shop_name", required: true},
		{key: "start", label: "field.start", kind: kLabel, hint: "ui.hint.never_changes"},
		{key: "taxpayer", label: "field.taxpayer", kind: kLabel, hint: "ui.hint.never_changes"},
		{key: "costing", label: "field.costing", kind: kChoice, choices: costingChoices, hint: "ui.hint.costing_fixed"},
		{key: "levy", label: "field.levy", kind: kChoice, choices: rate("3", "1")},
		{key: "allow_negative", label: "ui.field.allow_negative", kind: kCheck},
		{key: "separation", label: "ui.field.separation", kind: kCheck},
		{key: "voucher_mode", label: "field.voucher_mode", kind: kChoice, choices: func() []choice {
			return []choice{{value: "document", label: "ui.voucher_mode.document", key: true},
				{value: "summary", label: "ui.voucher_mode.summary", key: true}}
		}},
		{key: "dispose_counts", label: "ui.field.dispose_counts", kind: kCheck},
		{key: "surcharges", label: "ui.field.surcharges", kind: kCheck},
		{key: "city_rate", label: "field.city_rate", kind: kChoice, choices: rate("7", "5", "1")},
		{key: "half", label: "ui.field.half_surcharge", kind: kCheck},
		{key: "scan_merge", label: "field.scan_merge", kind: kCheck, hint: "ui.hint.scan_merge"},
		{key: "backup_keep", label: "field.backup_keep", hint: "ui.hint.backup_keep"},
		{key: "idle_lock", label: "field.idle_lock", hint: "ui.hint.idle_lock"},
	})
	v.Reload()
	v.roles = newRolesVM(s)
	return v
}

func costingChoices() []choice {
	return []choice{{value: string(ledger.CostingMoving), label: "ui.costing.moving", key: true},
		{value: string(ledger.CostingMonthly), label: "ui.costing.monthly", key: true},
		{value: string(ledger.CostingFIFO), label: "ui.costing.fifo", key: true}}
}

// Reload reads the settings from the book.
func (v *settingsVM) Reload() {
	set, err := v.s.book.Settings(v.s.ctx)
	v.err = err
	if err != nil {
		return
	}
	v.cur = set
	v.form.load(map[string]string{
		"name": set.Name, "start": string(set.Start), "taxpayer": v.s.t("ui.taxpayer." + string(set.Taxpayer)),
		"costing": string(set.Costing), "levy": set.LevyRate.String(), "allow_negative": fromBool(set.AllowNegative),
		"separation": fromBool(set.Separation), "voucher_mode": set.VoucherMode, "dispose_counts": fromBool(set.DisposeCounts),
		"surcharges": fromBool(set.Surcharges), "city_rate": set.CityRate.String(), "half": fromBool(set.HalfSurcharge),
		"scan_merge": fromBool(set.ScanMerge), "backup_keep": strconv.Itoa(set.BackupKeep), "idle_lock": strconv.Itoa(set.IdleLock),
	}, false)
}

// Save writes the settings; a refusal stays next to its field.
func (v *settingsVM) Save() error {
	f := v.form.text
	set := v.cur
	set.Name = f["name"]
	set.Costing = ledger.Costing(f["costing"])
	var err error
	if set.LevyRate, err = ledger.ParseRate("levy", f["levy"]); err != nil {
		v.form.place(err)
		return err
	}
	if set.CityRate, err = ledger.ParseRate("city_rate", f["city_rate"]); err != nil {
		v.form.place(err)
		return err
	}
	set.AllowNegative, set.Separation = isTrue(f["allow_negative"]), isTrue(f["separation"])
	set.VoucherMode, set.DisposeCounts = f["voucher_mode"], isTrue(f["dispose_counts"])
	set.Surcharges, set.HalfSurcharge = isTrue(f["surcharges"]), isTrue(f["half"])
	set.ScanMerge = isTrue(f["scan_merge"])
	for _, n := range []struct {
		key string
		to  *int
	}{{"backup_keep", &set.BackupKeep}, {"idle_lock", &set.IdleLock}} {
		if *n.to, err = wholeNumber(n.key, f[n.key]); err != nil {
			v.form.place(err)
			return err
		}
	}
	if err := v.s.book.UpdateSettings(v.s.ctx, v.s.user, set); err != nil {
		v.form.place(err)
		v.info = ""
		return err
	}
	v.Reload()
	v.info = v.s.t("ui.msg.saved")
	v.s.setStatus(v.info)
	return nil
}

func (v *settingsVM) dirty() bool { return v.form.Dirty() }

func (v *settingsVM) build() fyne.CanvasObject {
	s := v.s
	var fv *formView
	save := func() {
		v.Save()
		fv.refresh()
		fv.setInfo(v.info)
		fv.focusFirstError()
	}
	cancel := func() {
		v.form.Revert()
		fv.refresh()
	}
	edit := s.user.Can(ledger.PermSettings)
	fv = newFormView(s, v.form, edit, save, cancel)
	v.view = fv
	formObj := fv.build()
	fv.setInfo(v.info)
	lang := widget.NewSelect([]string{"简体中文", "English"}, func(l string) {
		if l == "English" {
			s.setLang(i18n.EN)
		} else {
			s.setLang(i18n.ZH)
		}
	})
	if s.lang == i18n.EN {
		lang.SetSelected("English")
	} else {
		lang.SetSelected("简体中文")
	}
	langRow := container.NewHBox(widget.NewLabel(s.t("ui.field.language")), lang, widget.NewLabel(s.t("ui.hint.language")))
	tools := container.NewHBox()
	if edit {
		tools.Add(iconButton(s.t("ui.btn.save"), theme.DocumentSaveIcon(), save))
		tools.Add(iconButton(s.t("ui.btn.revert"), theme.ContentUndoIcon(), cancel))
	}
	// 完整校验: everything verify checks, SQLite's page check included, in the background.
	tools.Add(iconButton(s.t("ui.btn.verify_full"), theme.SearchIcon(), func() { s.checkBook(true) }))
	var top fyne.CanvasObject = tools
	if v.err != nil {
		e := errorLabel()
		setErrorLabel(e, s.errText(v.err))
		top = container.NewVBox(tools, e)
	}
	body := container.NewVBox(langRow, widget.NewSeparator(), formObj, v.roles.build())
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(body)))
}

func (v *settingsVM) cmdSave() {
	if fv := v.view; fv != nil {
		fv.onSave()
	} else {
		v.Save()
	}
}
func (v *settingsVM) cmdCancel() {
	if fv := v.view; fv != nil {
		fv.onCancel()
	} else {
		v.form.Revert()
	}
}
func (v *settingsVM) cmdNew()  {}
func (v *settingsVM) cmdFind() {}

// wholeNumber reads a count typed in a settings field (full-width digits too).
func wholeNumber(field, text string) (int, error) {
	n, err := strconv.Atoi(ledger.Normalize(strings.TrimSpace(text)))
	if err != nil {
		return 0, &ledger.Error{Code: ledger.CodeNumberMalformed, Args: map[string]any{"field": field, "value": text}}
	}
	return n, nil
}
