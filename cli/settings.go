package cli

import "shopbooks/ledger"

const settingsUsage = "settings set [--name N] [--costing moving|monthly|fifo] [--levy 3|1] [--negative on|off] " +
	"[--separation on|off] [--voucher-mode document|summary] [--dispose-counts on|off] [--surcharges on|off] " +
	"[--city-rate 7|5|1] [--half-surcharge on|off] [--scan-merge on|off] [--backup-keep N] [--idle-lock MINUTES]"

func settingsCommands() []command {
	return []command{
		{name: "show", usage: "settings show", book: true, run: settingsShow},
		{name: "set", usage: settingsUsage, flags: "name= costing= levy= negative= separation= voucher-mode= dispose-counts= " +
			"surcharges= city-rate= half-surcharge= scan-merge= backup-keep= idle-lock=", book: true, run: settingsSet},
	}
}

func settingsShow(c *call) error {
	s, err := c.book.Settings(c.ctx)
	if err != nil {
		return err
	}
	return c.record([]col{{key: "name"}, {key: "start"}, {key: "costing"}, {key: "taxpayer"}, {key: "levy"},
		{key: "allow_negative"}, {key: "separation"}, {key: "voucher_mode"}, {key: "dispose_counts"}, {key: "surcharges"},
		{key: "city_rate"}, {key: "half_surcharge"}, {key: "scan_merge"}, {key: "backup_keep"}, {key: "idle_lock"},
		{key: "created_at"}},
		[]any{s.Name, string(s.Start), choice{key: "cli.costing." + string(s.Costing), code: string(s.Costing)},
			choice{key: "cli.taxpayer." + string(s.Taxpayer), code: string(s.Taxpayer)}, s.LevyRate, s.AllowNegative,
			s.Separation, choice{key: "cli.voucher_mode." + s.VoucherMode, code: s.VoucherMode}, s.DisposeCounts,
			s.Surcharges, s.CityRate, s.HalfSurcharge, s.ScanMerge, s.BackupKeep, s.IdleLock, s.CreatedAt})
}

func settingsSet(c *call) error {
	s, err := c.book.Settings(c.ctx)
	if err != nil {
		return err
	}
	setText(c, "name", &s.Name)
	setText(c, "voucher-mode", &s.VoucherMode)
	for _, err := range []error{
		setFrom(c, "costing", func(v string) (ledger.Costing, error) { return ledger.ParseCosting("costing", v) }, &s.Costing),
		setFrom(c, "levy", rateParser("levy"), &s.LevyRate),
		setFrom(c, "city-rate", rateParser("city_rate"), &s.CityRate),
		setFrom(c, "negative", parseOnOff("allow_negative"), &s.AllowNegative),
		setFrom(c, "separation", parseOnOff("separation"), &s.Separation),
		setFrom(c, "dispose-counts", parseOnOff("dispose_counts"), &s.DisposeCounts),
		setFrom(c, "surcharges", parseOnOff("surcharges"), &s.Surcharges),
		setFrom(c, "half-surcharge", parseOnOff("half_surcharge"), &s.HalfSurcharge),
		setFrom(c, "scan-merge", parseOnOff("scan_merge"), &s.ScanMerge),
		setFrom(c, "backup-keep", parseCount("backup_keep"), &s.BackupKeep),
		setFrom(c, "idle-lock", parseCount("idle_lock"), &s.IdleLock),
	} {
		if err != nil {
			return err
		}
	}
	if err := c.book.UpdateSettings(c.ctx, c.user, s); err != nil {
		return err
	}
	c.done("saved", "book", s.Name)
	return nil
}
