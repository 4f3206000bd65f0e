package ledger

import (
	"context"
	"os"
	"testing"
)

// The rest of DOMAIN.md §9's matrix, after the master data of permCases: documents and
// stock, partner balances, vouchers and ledgers, imports, backups and the close — every
// method of *Book that takes the acting user, each against every role (TestPermissions
// runs them). Documents are dated March 2025 so that the close cases at the end, which
// close January and February, find nothing unaudited there.
//
// A role that may not is refused with CodeForbidden before anything is read or written;
// a role that may succeeds (a read writes no audit record, a write writes one).

var (
	staffRoles  = []Role{RoleAdmin, RoleAccountant, RoleClerk}
	officeRoles = []Role{RoleAdmin, RoleAccountant}
	ledgerRoles = []Role{RoleAdmin, RoleAccountant, RoleViewer} // vouchers, ledgers, statements
	costRoles   = []Role{RoleAdmin, RoleAccountant, RoleViewer} // view_cost; a clerk only when granted
)

// readMethods write nothing when allowed: TestPermissions expects no audit record of them.
var readMethods = map[string]bool{
	"Docs": true, "OpenLines": true, "CountWarnings": true, "StockOnHand": true, "StockLedger": true, "StockLedgers": true,
	"CountSheet": true, "StockSummary": true, "ClosedStock": true, "PartnerBalances": true, "PartnerBalanceOf": true,
	"PartnerStatement": true, "Voucher": true, "Vouchers": true, "Balances": true, "YearStartBalances": true,
	"BalancesByPartner": true, "YearStartByPartner": true, "BalancesByPartnerAt": true, "BalancesAt": true, "PeriodMovements": true, "SalesLines": true, "SalesSums": true, "CostAdjustments": true, "ExplainCost": true, "ExplainItemCost": true,
	"Movements": true, "DetailLedger": true, "GeneralLedger": true, "TrialBalance": true, "CheckClose": true,
	"PreviewClose": true, "AccountRoles": true, "AccountRoleChoices": true, "DocRows": true,
}

// permFixture is what the later cases need besides the book of TestPermissions: an item,
// two warehouses, a supplier and a customer, stock to deliver from.
func permFixture(t *testing.T, b *Book, admin *User) {
	t.Helper()
	ctx := t.Context()
	must[Item](t)(b.AddItem(ctx, admin, Item{Code: "A", Name: "洗衣液", Unit: "瓶", VAT: 1300, Active: true}))
	must[Warehouse](t)(b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "主仓"}))
	must[Warehouse](t)(b.AddWarehouse(ctx, admin, Warehouse{Code: "W2", Name: "门店"}))
	must[Partner](t)(b.AddPartner(ctx, admin, Partner{Code: "S1", Name: "华南日化", Supplier: true}))
	must[Partner](t)(b.AddPartner(ctx, admin, Partner{Code: "C1", Name: "明辉餐厅", Customer: true}))
	if err := b.SetOpeningStock(ctx, admin, "A", "W1", Units(100), 100000); err != nil {
		t.Fatal(err)
	}
}

// balanceOpenings makes the first period's opening balances balance (the close's check
// B2) by 实收资本 3001, while January is open.
func balanceOpenings(t *testing.T, b *Book, admin *User) {
	t.Helper()
	ctx := t.Context()
	if closed, err := b.PeriodClosed(ctx, "2025-01"); err != nil || closed {
		return
	}
	c, err := b.CheckOpening(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Balanced {
		return
	}
	bals, _, err := b.Openings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var capital Money
	for _, o := range bals {
		if o.Account == "3001" {
			capital = o.Amount
		}
	}
	if err := b.SetOpening(ctx, admin, "3001", "", capital+c.Debit-c.Credit, 0, 0); err != nil {
		t.Fatal(err)
	}
}

func marchDelivery(tag string) Doc {
	return Doc{Type: DocDelivery, Date: "2025-03-10", Partner: "C1", Warehouse: "W1", Memo: tag,
		Lines: []DocLine{{Item: "A", Qty: Units(1), Price: 20_000_000, UseItemVAT: true}}}
}

func marchVoucher(tag string) Voucher {
	return Voucher{Date: "2025-03-31", Summary: "计提折旧 " + tag, Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 100}, {Account: "1602", Side: "C", Amount: 100}}}
}

// laterPermCases: documents and stock, partners' balances, vouchers and ledgers, the
// batch writes, the backup, and — last, as they lock January and February — the close.
func laterPermCases() []permCase {
	docs := map[string]string{} // tag → the document its setup made
	vouchers := map[string]string{}
	draft := func(t *testing.T, b *Book, admin *User, tag string) {
		d, err := b.SaveDoc(t.Context(), admin, marchDelivery(tag))
		if err != nil {
			t.Fatal(err)
		}
		docs[tag] = d.Number
	}
	audited := func(t *testing.T, b *Book, admin *User, tag string) {
		d, err := b.SaveAndAuditDoc(t.Context(), admin, marchDelivery(tag))
		if err != nil {
			t.Fatal(err)
		}
		docs[tag] = d.Number
	}
	voucher := func(t *testing.T, b *Book, admin *User, tag string) {
		v, err := b.SaveVoucher(t.Context(), admin, marchVoucher(tag))
		if err != nil {
			t.Fatal(err)
		}
		vouchers[tag] = v.Ref()
	}
	read := func(f func(ctx context.Context, b *Book, by *User) error) func(context.Context, *Book, *User, string) error {
		return func(ctx context.Context, b *Book, by *User, _ string) error { return f(ctx, b, by) }
	}
	return []permCase{
		// imports (all rows or none)
		{"AddItems", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.AddItems(ctx, by, []Item{{Code: "IM-" + tag, Name: "导入 " + tag, Unit: "瓶", VAT: 1300, Active: true}})
		}},
		{"AddPartners", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.AddPartners(ctx, by, []Partner{{Code: "PI-" + tag, Name: "导入客户 " + tag, Customer: true}})
		}},
		{"SetOpenings", chartRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetOpenings(ctx, by, []OpeningBalance{{Account: "1001", Amount: Money(200 * tagN[whoOf(tag)])}}, nil)
		}},

		// documents
		{"SaveDoc", staffRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.SaveDoc(ctx, by, marchDelivery(tag))
			return err
		}},
		{"SaveDoc (others' draft)", officeRoles, draft, func(ctx context.Context, b *Book, by *User, tag string) error {
			d, err := b.Doc(ctx, docs[tag])
			if err != nil {
				return err
			}
			d.Memo = "改 " + tag
			_, err = b.SaveDoc(ctx, by, d)
			return err
		}},
		{"AuditDoc", staffRoles, draft, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.AuditDoc(ctx, by, docs[tag])
		}},
		{"SaveAndAuditDoc", staffRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.SaveAndAuditDoc(ctx, by, marchDelivery(tag))
			return err
		}},
		{"UnauditDoc", officeRoles, audited, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.UnauditDoc(ctx, by, docs[tag])
		}},
		{"DeleteDoc (others' draft)", officeRoles, draft, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeleteDoc(ctx, by, docs[tag])
		}},
		{"VoidDoc (others' draft)", officeRoles, draft, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.VoidDoc(ctx, by, docs[tag])
		}},
		{"SetOrderClosed", staffRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			d, err := b.SaveAndAuditDoc(t.Context(), admin, Doc{Type: DocSO, Date: "2025-03-05", Partner: "C1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(5), Price: 20_000_000, UseItemVAT: true}}})
			if err != nil {
				t.Fatal(err)
			}
			docs[tag] = d.Number
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetOrderClosed(ctx, by, docs[tag], true)
		}},

		// documents and stock: everyone sees them
		{"Docs", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.Docs(ctx, by, DocFilter{Period: "2025-03"})
			return err
		})},
		{"OpenLines", everyone, audited, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.OpenLines(ctx, by, docs[tag])
			return err
		}},
		{"CountWarnings", everyone, audited, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.CountWarnings(ctx, by, docs[tag])
			return err
		}},
		{"StockOnHand", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.StockOnHand(ctx, by, OnHandFilter{})
			return err
		})},
		{"StockLedger", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.StockLedger(ctx, by, "A", "2025-03")
			return err
		})},
		{"StockLedgers", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			return b.StockLedgers(ctx, by, "", "2025-03", "2025-03", func(ItemLedgerRow) error { return nil })
		})},
		{"CountSheet", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.CountSheet(ctx, by, "W1", "2025-03-31")
			return err
		})},
		{"StockSummary", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.StockSummary(ctx, by, "2025-03")
			return err
		})},
		{"ClosedStock", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, _, err := b.ClosedStock(ctx, by, "2025-01")
			return err
		})},

		// what partners owe and are owed: view_cost
		{"PartnerBalances", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.PartnerBalances(ctx, by, true)
			return err
		})},
		{"PartnerBalanceOf", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.PartnerBalanceOf(ctx, by, "C1")
			return err
		})},
		{"SalesLines", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.SalesLines(ctx, by, SalesFilter{From: "2025-01", To: "2025-03"})
			return err
		})},
		{"SalesSums", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.SalesSums(ctx, by, "2025-01", "2025-03", SalesByPartner)
			return err
		})},
		{"ExplainCost", costRoles, audited, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.ExplainCost(ctx, by, docs[tag], 1)
			return err
		}},
		{"ExplainItemCost", costRoles, audited, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.ExplainItemCost(ctx, by, docs[tag], "A")
			return err
		}},
		{"CostAdjustments", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.CostAdjustments(ctx, by, SalesFilter{From: "2025-01", To: "2025-03"})
			return err
		})},
		{"PartnerStatement", costRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.PartnerStatement(ctx, by, "C1", "1122")
			return err
		})},

		// manual vouchers
		{"SaveVoucher", officeRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.SaveVoucher(ctx, by, marchVoucher(tag))
			return err
		}},
		{"SaveAndAuditVoucher", officeRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.SaveAndAuditVoucher(ctx, by, marchVoucher(tag))
			return err
		}},
		{"AuditVoucher", officeRoles, voucher, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.AuditVoucher(ctx, by, vouchers[tag], true)
		}},
		{"DeleteVoucher", officeRoles, voucher, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeleteVoucher(ctx, by, vouchers[tag])
		}},
		{"RenumberVouchers", officeRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			return b.RenumberVouchers(ctx, by, "2025-03")
		})},

		// vouchers, ledgers, statements: not a clerk
		{"Voucher", ledgerRoles, voucher, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.Voucher(ctx, by, vouchers[tag])
			return err
		}},
		{"Vouchers", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.Vouchers(ctx, by, "2025-03")
			return err
		})},
		{"Balances", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.Balances(ctx, by, "2025-03")
			return err
		})},
		{"YearStartBalances", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.YearStartBalances(ctx, by, "2025-03")
			return err
		})},
		{"BalancesByPartner", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.BalancesByPartner(ctx, by, "2025-03")
			return err
		})},
		{"YearStartByPartner", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.YearStartByPartner(ctx, by, "2025-03")
			return err
		})},
		{"BalancesAt", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.BalancesAt(ctx, by, []BalanceAt{{Period: "2025-02"}, {Period: "2025-03", YearStart: true}})
			return err
		})},
		{"BalancesByPartnerAt", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.BalancesByPartnerAt(ctx, by, []BalanceAt{{Period: "2025-02"}, {Period: "2025-03", YearStart: true}})
			return err
		})},
		{"PeriodMovements", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.PeriodMovements(ctx, by, "2025-01", "2025-03", true)
			return err
		})},
		{"Movements", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.Movements(ctx, by, "2025-01", "2025-03", false, true)
			return err
		})},
		{"DetailLedger", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.DetailLedger(ctx, by, "1602", "", "2025-01", "2025-03")
			return err
		})},
		{"GeneralLedger", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.GeneralLedger(ctx, by, "1602", "2025-01", "2025-03")
			return err
		})},
		{"TrialBalance", ledgerRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.TrialBalance(ctx, by, "2025-03")
			return err
		})},

		{"DocRows", everyone, nil, read(func(ctx context.Context, b *Book, by *User) error {
			return b.DocRows(ctx, by, "2025-01", "2025-03", func(DocRow) error { return nil })
		})},

		// exports: a statement's everyone's but a clerk's, a list of items everyone's
		{"Export statements", ledgerRoles, nil, func(ctx context.Context, b *Book, by *User, _ string) error {
			return b.Export(ctx, by, ExportStatements, "2025-03")
		}},
		{"Export items", everyone, nil, func(ctx context.Context, b *Book, by *User, _ string) error {
			return b.Export(ctx, by, ExportItems, "items.xlsx")
		}},

		// backups (restoring replaces the book: TestRestoreAs and TestRestorePermissions)
		{"Backup", officeRoles, func(t *testing.T, b *Book, _ *User, tag string) {
			if err := os.MkdirAll(b.Path()+".backups-"+tag, 0o700); err != nil {
				t.Fatal(err)
			}
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.Backup(ctx, by, b.Path()+".backups-"+tag, "")
			return err
		}},

		{"BackupWith", officeRoles, func(t *testing.T, b *Book, _ *User, tag string) {
			if err := os.MkdirAll(b.Path()+".backups-w-"+tag, 0o700); err != nil {
				t.Fatal(err)
			}
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.BackupWith(ctx, by, b.Path()+".backups-w-"+tag, "", func(string) {})
			return err
		}},

		// the close, last: January by the accountant, February by the admin
		{"CheckClose", officeRoles, nil, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.CheckClose(ctx, by, "2025-01")
			return err
		})},
		{"PreviewClose", officeRoles, func(t *testing.T, b *Book, admin *User, _ string) { balanceOpenings(t, b, admin) }, read(func(ctx context.Context, b *Book, by *User) error {
			_, err := b.PreviewClose(ctx, by, "2025-01", CloseOptions{})
			return err
		})},
		{"ClosePeriod", officeRoles, func(t *testing.T, b *Book, admin *User, _ string) { balanceOpenings(t, b, admin) }, func(ctx context.Context, b *Book, by *User, tag string) error {
			p := Period("2025-01")
			if whoOf(tag) == "admin" {
				p = "2025-02"
			}
			_, err := b.ClosePeriod(ctx, by, p, CloseOptions{})
			return err
		}},
		{"UnclosePeriod", []Role{RoleAdmin}, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.UnclosePeriod(ctx, by, "2025-02", "权限测试 "+tag)
		}},
	}
}

// An accountant granted 反结账 may un-close, and a clerk granted view_cost sees partner
// balances: the two grants of DOMAIN.md §9.
func TestPermissionGrants(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	permFixture(t, b, admin)
	balanceOpenings(t, b, admin)
	acc := addUser(t, b, admin, "acc", RoleAccountant)
	clerk := addUser(t, b, admin, "clerk", RoleClerk)
	if _, err := b.ClosePeriod(ctx, admin, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	refusedUnchanged(t, b, "un-close without the grant", CodeForbidden, func() error { return b.UnclosePeriod(ctx, acc, "2025-01", "x") })
	refusedUnchanged(t, b, "balances without the grant", CodeForbidden, func() error { _, err := b.PartnerBalances(ctx, clerk, true); return err })
	if err := b.SetGrants(ctx, admin, "acc", true, false); err != nil {
		t.Fatal(err)
	}
	if err := b.SetGrants(ctx, admin, "clerk", false, true); err != nil {
		t.Fatal(err)
	}
	acc, _ = b.Login(ctx, "acc", "")
	clerk, _ = b.Login(ctx, "clerk", "")
	if err := b.UnclosePeriod(ctx, acc, "2025-01", "granted"); err != nil {
		t.Errorf("accountant with the grant: %v", err)
	}
	if _, err := b.PartnerBalances(ctx, clerk, true); err != nil {
		t.Errorf("clerk with view_cost: %v", err)
	}
	if err := b.SetGrants(ctx, admin, "acc", false, false); err != nil {
		t.Fatal(err)
	}
	// the session of the accountant still holds the grant; the service reads it afresh
	if _, err := b.ClosePeriod(ctx, admin, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	err := b.UnclosePeriod(ctx, acc, "2025-01", "revoked")
	if CodeOf(err) != CodeForbidden {
		t.Errorf("a revoked grant still un-closes: %v", err)
	}
}
