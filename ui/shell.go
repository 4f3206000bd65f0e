package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// shell is the main window's frame (UI.md §2): top bar, navigation, tabs, status bar.
// It remembers which tabs are open so a language switch rebuilds the same.
type shell struct {
	s           *session
	openIDs     []string
	selected    string
	tabs        *container.DocTabs
	tabIDs      map[*container.TabItem]string
	tree        *widget.Tree
	statusLabel *widget.Label
	langButton  *widget.Button
	periodBtn   *widget.Button
	backup      *backupBar
}

func newShell(s *session) *shell { return &shell{s: s} }

// build makes the frame and the open tabs' widgets.
func (h *shell) build() fyne.CanvasObject {
	s := h.s
	h.tabIDs = map[*container.TabItem]string{}
	h.tabs = container.NewDocTabs()
	h.tabs.CloseIntercept = func(it *container.TabItem) {
		id := h.tabIDs[it]
		h.guard(id, func() { h.closeTab(it) })
	}
	h.tabs.OnSelected = func(it *container.TabItem) {
		h.selected = h.tabIDs[it]
		if h.tree != nil {
			h.tree.Select(h.selected)
		}
	}
	for _, id := range h.openIDs {
		it := container.NewTabItem(h.tabTitle(id), s.screen(id).build())
		h.tabIDs[it] = id
		h.tabs.Append(it)
		if id == h.selected {
			h.tabs.Select(it)
		}
	}
	h.tree = h.navTree()
	h.statusLabel = widget.NewLabel(s.status)
	h.statusLabel.Truncation = fyne.TextTruncateEllipsis
	split := container.NewHSplit(h.tree, h.tabs)
	split.Offset = 0.185
	h.backup = s.newBackupBar()
	s.refreshBackupBar()
	bottom := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, h.backup.box, h.statusLabel))
	top := container.NewVBox(h.topBar(), widget.NewSeparator())
	return container.NewBorder(top, bottom, nil, nil, split)
}

// topBar: book, period and its state, user and role, the language switch.
func (h *shell) topBar() fyne.CanvasObject {
	s := h.s
	set, _ := s.book.Settings(s.ctx)
	book := widget.NewLabelWithStyle(set.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	period := widget.NewButton(h.periodText(), func() { s.open("close") })
	period.Importance = widget.LowImportance
	h.periodBtn = period
	user := widget.NewLabel(s.t("ui.top.user", map[string]any{"user": s.user.Name, "role": s.t("ui.role." + string(s.user.Role))}))
	h.langButton = widget.NewButton(s.t("ui.top.lang"), func() { s.setLang(otherLang(s.lang)) })
	return container.NewHBox(book, widget.NewSeparator(), period, widget.NewSeparator(), user, layout.NewSpacer(), h.langButton)
}

func otherLang(l i18n.Lang) i18n.Lang {
	if l == i18n.ZH {
		return i18n.EN
	}
	return i18n.ZH
}

// periodText is "2025-02 未结账 · 已结账至 2025-01": the first open period and the last closed.
func (h *shell) periodText() string {
	s := h.s
	ps, err := s.book.Periods(s.ctx)
	if err != nil || len(ps) == 0 {
		return ""
	}
	var open, closed ledger.Period
	for _, p := range ps {
		if p.Closed {
			closed = p.Period
		} else if open == "" {
			open = p.Period
		}
	}
	txt := ""
	if open != "" {
		txt = s.t("ui.top.open", map[string]any{"period": string(open)})
	}
	if closed != "" {
		if txt != "" {
			txt += " · "
		}
		txt += s.t("ui.top.closed_to", map[string]any{"period": string(closed)})
	}
	return txt
}

// refreshPeriod shows the period state again (after a close or an un-close).
func (h *shell) refreshPeriod() {
	if h.periodBtn != nil {
		h.periodBtn.SetText(h.periodText())
	}
}

// navTree is the navigation with every area the user's role may see.
func (h *shell) navTree() *widget.Tree {
	s := h.s
	t := widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return visibleChildren(s.user, id) },
		func(id widget.TreeNodeID) bool {
			return id == "" || len(areas[id].children) > 0
		},
		func(branch bool) fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(s.t("ui.area." + id))
		})
	t.OnSelected = func(id widget.TreeNodeID) {
		if a, ok := areas[id]; ok && len(a.children) > 0 {
			t.ToggleBranch(id)
			t.Unselect(id)
			return
		}
		if id != h.selected {
			s.open(id)
		}
	}
	for _, g := range navRoots {
		if g == "master" || g == h.groupOfSelected() {
			t.OpenBranch(g)
		}
	}
	if g := groupOf(h.selected); g != "" {
		t.OpenBranch(g)
	}
	if h.selected != "" {
		t.Select(h.selected)
	}
	return t
}

func (h *shell) groupOfSelected() string { return groupOf(h.selected) }

// titled is a screen whose tab says more than its area (a document's number).
type titled interface{ title() string }

// tabTitle is the text of a screen's tab.
func (h *shell) tabTitle(id string) string {
	if t, ok := h.s.screen(id).(titled); ok {
		return t.title()
	}
	return h.s.t("ui.area." + id)
}

// openTab selects the screen's tab, opening it first if needed.
func (h *shell) openTab(id string) {
	for it, tid := range h.tabIDs {
		if tid == id {
			h.selected = id
			h.tabs.Select(it)
			return
		}
	}
	it := container.NewTabItem(h.tabTitle(id), h.s.screen(id).build())
	h.tabIDs[it] = id
	h.openIDs = append(h.openIDs, id)
	h.selected = id
	h.tabs.Append(it)
	h.tabs.Select(it)
	if g := groupOf(id); g != "" && h.tree != nil {
		h.tree.OpenBranch(g)
	}
	if h.tree != nil {
		h.tree.Select(id)
	}
}

func (h *shell) closeTab(it *container.TabItem) {
	id := h.tabIDs[it]
	delete(h.tabIDs, it)
	for i, x := range h.openIDs {
		if x == id {
			h.openIDs = append(h.openIDs[:i], h.openIDs[i+1:]...)
			break
		}
	}
	delete(h.s.screens, id) // a closed tab forgets its edits
	h.tabs.Remove(it)
	if sel := h.tabs.Selected(); sel != nil {
		h.selected = h.tabIDs[sel]
	} else {
		h.selected = ""
		h.tree.UnselectAll()
	}
}

func (h *shell) currentScreen() screen {
	if h.tabs == nil {
		return nil
	}
	it := h.tabs.Selected()
	if it == nil {
		return nil
	}
	return h.s.screens[h.tabIDs[it]]
}

// guard runs proceed, asking first when the screen has unsaved edits.
func (h *shell) guard(id string, proceed func()) {
	sc, ok := h.s.screens[id].(dirtier)
	if !ok || !sc.dirty() {
		proceed()
		return
	}
	h.s.askUnsaved(func() bool {
		if c, ok := sc.(commands); ok {
			c.cmdSave()
		}
		return !sc.dirty()
	}, func() {
		if c, ok := sc.(commands); ok {
			c.cmdCancel()
		}
	}, proceed)
}

// askUnsaved asks 保存 / 不保存 / 取消 before edits would be dropped.
func (s *session) askUnsaved(save func() bool, discard, proceed func()) {
	var d dialog.Dialog
	saveB := widget.NewButton(s.t("ui.btn.save"), func() {
		d.Hide()
		if save() {
			proceed()
		}
	})
	saveB.Importance = widget.HighImportance
	discardB := widget.NewButton(s.t("ui.btn.discard"), func() { d.Hide(); discard(); proceed() })
	cancel := widget.NewButton(s.t("ui.btn.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(s.t("ui.unsaved.title"), widget.NewLabel(s.t("ui.unsaved.body")), s.win)
	d.(*dialog.CustomDialog).SetButtons([]fyne.CanvasObject{cancel, discardB, saveB})
	d.Show()
}

// menu is the main menu: the commands that exist (UI.md §4.1). Ctrl shortcuts live
// here, since a focused Entry swallows canvas shortcuts.
func (s *session) menu() *fyne.MainMenu {
	ctrl := func(k fyne.KeyName) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
	}
	item := func(key string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(s.t(key), f)
		it.Shortcut = sc
		return it
	}
	// Our own 退出, so quitting from the menu goes through the unsaved guard and the
	// exit's backup (Fyne's own Quit would skip both).
	quitItem := item("ui.menu.quit", nil, s.quit)
	quitItem.IsQuit = true
	file := fyne.NewMenu(s.t("ui.menu.file"),
		item("ui.menu.new_book", nil, func() { s.leaveBook(func() { s.first.mode = "create"; s.showFirstRun() }) }),
		item("ui.menu.open_book", nil, func() { s.leaveBook(func() { s.chooseBook() }) }),
		item("ui.menu.backup", nil, func() { s.open("backup") }),
		item("ui.menu.switch_user", nil, func() {
			if s.book != nil {
				s.leaveBook(func() { s.login.err = nil; s.showLogin() })
			}
		}),
		fyne.NewMenuItemSeparator(),
		quitItem,
	)
	edit := fyne.NewMenu(s.t("ui.menu.edit"),
		item("ui.btn.new", ctrl(fyne.KeyN), func() { s.cmd(commands.cmdNew) }),
		item("ui.btn.save", ctrl(fyne.KeyS), func() { s.cmd(commands.cmdSave) }),
		item("ui.btn.find", ctrl(fyne.KeyF), func() { s.cmd(commands.cmdFind) }),
		item("ui.btn.audit", ctrl(fyne.KeyH), func() { s.docCmd(docCommands.cmdAudit) }),
		item("ui.btn.unaudit", &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
			func() { s.docCmd(docCommands.cmdUnaudit) }),
		item("ui.btn.revert", nil, func() { s.cmd(commands.cmdCancel) }),
	)
	zh := item("ui.menu.lang_zh", nil, func() { s.setLang(i18n.ZH) })
	en := item("ui.menu.lang_en", nil, func() { s.setLang(i18n.EN) })
	zh.Checked, en.Checked = s.lang == i18n.ZH, s.lang == i18n.EN
	view := fyne.NewMenu(s.t("ui.menu.view"), zh, en,
		fyne.NewMenuItemSeparator(),
		item("ui.area.home", nil, func() { s.open("home") }),
		item("ui.area.items", nil, func() { s.open("items") }),
		item("ui.area.partners", nil, func() { s.open("partners") }),
		item("ui.area.accounts", nil, func() { s.open("accounts") }),
		item("ui.area.opening", nil, func() { s.open("opening") }),
	)
	help := fyne.NewMenu(s.t("ui.menu.help"),
		item("ui.menu.keys", nil, func() {
			dialog.ShowCustom(s.t("ui.menu.keys"), s.t("ui.btn.close"), widget.NewLabel(s.t("ui.help.keys")), s.win)
		}),
		item("ui.menu.about", nil, func() {
			dialog.ShowCustom(s.t("ui.menu.about"), s.t("ui.btn.close"), widget.NewLabel(s.t("ui.help.about")), s.win)
		}),
	)
	return fyne.NewMainMenu(file, edit, view, help)
}

// leaveBook runs proceed after the unsaved guard of every open screen.
func (s *session) leaveBook(proceed func()) {
	if s.shell == nil {
		proceed()
		return
	}
	for id, sc := range s.screens {
		if d, ok := sc.(dirtier); ok && d.dirty() {
			s.shell.openTab(id)
			s.shell.guard(id, func() { s.leaveBook(proceed) })
			return
		}
	}
	proceed()
}

// iconButton is a toolbar button: icon and text (widget.Toolbar is icon-only).
func iconButton(label string, icon fyne.Resource, f func()) *widget.Button {
	return widget.NewButtonWithIcon(label, icon, f)
}
