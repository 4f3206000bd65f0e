package demo

import (
	"fmt"
	"math"
	"time"

	"shopbooks/ledger"
)

// month enters one month of business, day by day: purchases and their receipts,
// restocking the shop floor, credit sales (some from sales orders) and walk-in tickets,
// returns, counts at the quarter's end, receipts from customers and payments to
// suppliers, expenses, cash deposits, the VAT of the last month and the depreciation.
func (s *shop) month(p ledger.Period) error {
	last := p.LastDay()
	for day := 1; ; day++ {
		d := ledger.Date(fmt.Sprintf("%s-%02d", p, day))
		if d > last {
			break
		}
		if err := s.ctx.Err(); err != nil {
			return err
		}
		s.now = dayTime(d)
		wd := weekday(d)
		steps := []func(ledger.Date) error{s.arrivals}
		if wd == time.Monday || day == 1 {
			steps = append(steps, s.purchases)
		}
		if wd == time.Tuesday || wd == time.Friday {
			steps = append(steps, s.restockFloor)
		}
		if wd != time.Sunday {
			steps = append(steps, s.creditSales)
		}
		steps = append(steps, s.tickets, s.returns)
		if wd != time.Sunday {
			steps = append(steps, s.collections)
		}
		if day == 10 || day == 25 {
			steps = append(steps, s.payments)
		}
		steps = append(steps, s.expenses)
		if d == last && p.Month()%3 == 0 {
			steps = append(steps, s.count)
		}
		if wd == time.Saturday || d == last {
			steps = append(steps, s.deposit)
		}
		if d == last {
			steps = append(steps, s.depreciate)
		}
		for _, step := range steps {
			if err := step(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func weekday(d ledger.Date) time.Weekday {
	t, _ := time.Parse("2006-01-02", string(d))
	return t.Weekday()
}

func addDays(d ledger.Date, n int) ledger.Date {
	t, _ := time.Parse("2006-01-02", string(d))
	return ledger.Date(t.AddDate(0, 0, n).Format("2006-01-02"))
}

// times draws how many of something happen today when `mean` is expected.
func (s *shop) times(mean float64) int {
	return int(math.Floor(mean + s.r.Float64()))
}

// season is the month's and weekday's trade: Spring Festival in January–February, the
// weekend busier on the shop floor.
func season(d ledger.Date, weekend float64) float64 {
	f := 1.0
	switch d.Period().Month() {
	case 1, 2:
		f = 1.25
	case 12:
		f = 1.1
	case 7, 8:
		f = 1.05
	}
	switch weekday(d) {
	case time.Saturday, time.Sunday:
		f *= weekend
	}
	return f
}

func yuanPrice(y float64, step float64) ledger.Price {
	return ledger.Price(math.Round(y/step) * step * 1_000_000)
}

// purchases orders what fell below its reorder level: per supplier one document, a
// purchase order received two days later or a receipt today.
func (s *shop) purchases(d ledger.Date) error {
	want := make([][]docLine, len(s.suppliers))
	for i, it := range s.items {
		have := s.stock[i][it.home] + s.onOrder[i]
		if have >= it.reorder {
			continue
		}
		q := roundUp(it.upTo-have, it.pack)
		want[it.supplier] = append(want[it.supplier], docLine{item: i, qty: q, wh: it.home})
	}
	for si, lines := range want {
		if len(lines) == 0 {
			continue
		}
		doc := ledger.Doc{Type: ledger.DocReceipt, Date: d, Partner: s.suppliers[si].code, Warehouse: warehouses[w1].Code,
			Deductible: s.r.IntN(10) != 0}
		for _, l := range lines {
			it := s.items[l.item]
			price := ledger.Price(float64(it.buy) * (0.97 + 0.06*s.r.Float64()))
			price = price / 10_000 * 10_000 // to the fen
			dl := ledger.DocLine{Item: it.code, Qty: ledger.Units(l.qty), Price: price, UseItemVAT: true}
			if l.wh != w1 {
				dl.Warehouse = warehouses[l.wh].Code
			}
			doc.Lines = append(doc.Lines, dl)
		}
		if s.r.IntN(10) < 3 && d < d.Period().LastDay() {
			po := doc
			po.Type, po.Warehouse, po.Deductible = ledger.DocPO, "", false
			po.Lines = append([]ledger.DocLine(nil), doc.Lines...)
			for k := range po.Lines {
				po.Lines[k].Warehouse = ""
			}
			saved, err := s.save(po)
			if err != nil {
				return err
			}
			for _, l := range lines {
				s.onOrder[l.item] += l.qty
			}
			doc.Source = saved.Number
			for k := range doc.Lines {
				doc.Lines[k].SourceLine = fmt.Sprintf("%s/%d", saved.Number, k+1)
			}
			s.orders = append(s.orders, order{receipt: doc, supplier: si, arrives: addDays(d, 2), lines: lines})
			continue
		}
		if err := s.receive(doc, si, lines); err != nil {
			return err
		}
	}
	return nil
}

// arrivals receives the purchase orders due today.
func (s *shop) arrivals(d ledger.Date) error {
	keep := s.orders[:0]
	for _, o := range s.orders {
		if o.arrives > d {
			keep = append(keep, o)
			continue
		}
		doc := o.receipt
		doc.Date = d
		for _, l := range o.lines {
			s.onOrder[l.item] -= l.qty
		}
		if err := s.receive(doc, o.supplier, o.lines); err != nil {
			return err
		}
	}
	s.orders = keep
	return nil
}

// receive saves a receipt: paid now from the bank (one in six) or on the supplier's terms.
func (s *shop) receive(doc ledger.Doc, si int, lines []docLine) error {
	paidNow := s.r.IntN(6) == 0
	if paidNow {
		doc.Account = bankAcct
	}
	saved, err := s.save(doc)
	if err != nil {
		return err
	}
	for _, l := range lines {
		s.stock[l.item][l.wh] += l.qty
	}
	if paidNow {
		s.bank -= saved.Paid
	} else {
		sup := &s.suppliers[si]
		sup.bills = append(sup.bills, invoice{number: saved.Number, due: addDays(doc.Date, sup.terms), open: saved.Gross})
	}
	s.receipts = appendRecent(s.receipts, sourceDoc{number: saved.Number, date: doc.Date, partner: si, lines: lines}, 40)
	return nil
}

func appendRecent(list []sourceDoc, d sourceDoc, n int) []sourceDoc {
	list = append(list, d)
	if len(list) > n {
		list = append(list[:0], list[len(list)-n:]...)
	}
	return list
}

// restockFloor moves goods from the warehouses to the shop floor, up to each item's
// floor level: one transfer per source warehouse and 40 lines.
func (s *shop) restockFloor(d ledger.Date) error {
	for _, from := range []int{w1, w3} {
		var lines []docLine
		for i, it := range s.items {
			if it.home != from || s.stock[i][w2]*2 >= it.floor {
				continue
			}
			q := min(it.floor-s.stock[i][w2], s.stock[i][from])
			if q > 0 {
				lines = append(lines, docLine{item: i, qty: q})
			}
		}
		for len(lines) > 0 {
			n := min(len(lines), 40)
			doc := ledger.Doc{Type: ledger.DocTransfer, Date: d, Warehouse: warehouses[from].Code, ToWarehouse: warehouses[w2].Code,
				Memo: "门店补货"}
			for _, l := range lines[:n] {
				doc.Lines = append(doc.Lines, ledger.DocLine{Item: s.items[l.item].code, Qty: ledger.Units(l.qty)})
			}
			if _, err := s.save(doc); err != nil {
				return err
			}
			for _, l := range lines[:n] {
				s.stock[l.item][from] -= l.qty
				s.stock[l.item][w2] += l.qty
			}
			lines = lines[n:]
		}
	}
	return nil
}

// creditCustomer draws a credit customer, the big ones more often.
func (s *shop) creditCustomer() int {
	n := len(s.customers) - 1
	if n <= 0 {
		return walkIn
	}
	// 1/(k+4) by inverse transform of the continuous density
	u := s.r.Float64()
	k := int(math.Exp(u*math.Log(float64(n+4)/4))*4) - 4
	return 1 + min(max(k, 0), n-1)
}

// creditSales delivers to credit customers from the items' home warehouses; one in five
// from a sales order entered first; one in twenty paid at once by bank transfer.
func (s *shop) creditSales(d ledger.Date) error {
	for range s.times(creditPerDay * s.opt.Scale * season(d, 1)) {
		ci := s.creditCustomer()
		if ci == walkIn {
			return nil
		}
		c := &s.customers[ci]
		discount := ledger.Rate(0)
		if ci%5 == 0 {
			discount = ledger.Rate(200 + 100*(ci%4))
		}
		n := 6 + s.r.IntN(creditLines+1)
		seen := map[int]bool{}
		var lines []docLine
		doc := ledger.Doc{Type: ledger.DocDelivery, Date: d, Partner: c.code, Warehouse: warehouses[w1].Code}
		for range n {
			i := s.pick()
			it := s.items[i]
			if seen[i] {
				continue
			}
			seen[i] = true
			q := min(it.pack*int64(1+s.r.IntN(3)), s.stock[i][it.home])
			if q <= 0 {
				continue
			}
			lines = append(lines, docLine{item: i, qty: q, wh: it.home})
			dl := ledger.DocLine{Item: it.code, Qty: ledger.Units(q), Price: it.sell, UseItemVAT: true, DiscountRate: discount}
			if it.home != w1 {
				dl.Warehouse = warehouses[it.home].Code
			}
			doc.Lines = append(doc.Lines, dl)
		}
		if len(lines) == 0 {
			continue
		}
		if s.r.IntN(5) == 0 {
			so := doc
			so.Type, so.Warehouse = ledger.DocSO, ""
			so.Lines = append([]ledger.DocLine(nil), doc.Lines...)
			for k := range so.Lines {
				so.Lines[k].Warehouse = ""
			}
			saved, err := s.save(so)
			if err != nil {
				return err
			}
			doc.Source = saved.Number
			for k := range doc.Lines {
				doc.Lines[k].SourceLine = fmt.Sprintf("%s/%d", saved.Number, k+1)
			}
		}
		paidNow := s.r.IntN(20) == 0
		if paidNow {
			doc.Account = bankAcct
		}
		saved, err := s.save(doc)
		if err != nil {
			return err
		}
		for _, l := range lines {
			s.stock[l.item][l.wh] -= l.qty
		}
		if paidNow {
			s.bank += saved.Paid
			continue
		}
		// pays on its terms, a few days late at times
		c.bills = append(c.bills, invoice{number: saved.Number, due: addDays(d, c.terms+s.r.IntN(8)), open: saved.Gross})
		s.sales = appendRecent(s.sales, sourceDoc{number: saved.Number, date: d, partner: ci, lines: lines}, 60)
	}
	return nil
}

// tickets are the walk-in sales of the day from the shop floor, paid in cash, at
// VAT-inclusive shelf prices.
func (s *shop) tickets(d ledger.Date) error {
	for range s.times(ticketsPerDay * s.opt.Scale * season(d, 1.3)) {
		n := 1 + s.r.IntN(2) + s.r.IntN(2) + s.r.IntN(2)*s.r.IntN(3)
		seen := map[int]bool{}
		var lines []docLine
		doc := ledger.Doc{Type: ledger.DocDelivery, Date: d, Partner: s.customers[walkIn].code, Warehouse: warehouses[w2].Code,
			Inclusive: true, Account: cashAcct}
		for range n {
			i := s.pick()
			if seen[i] {
				continue
			}
			seen[i] = true
			q := int64(1)
			switch x := s.r.IntN(10); {
			case x >= 9:
				q = 3 + int64(s.r.IntN(4))
			case x >= 7:
				q = 2
			}
			q = min(q, s.stock[i][w2])
			if q <= 0 {
				continue
			}
			it := s.items[i]
			shelf := yuanPrice(float64(it.sell)/1e6*(1+float64(it.vat)/10_000), 0.1)
			lines = append(lines, docLine{item: i, qty: q, wh: w2})
			doc.Lines = append(doc.Lines, ledger.DocLine{Item: it.code, Qty: ledger.Units(q), Price: shelf, UseItemVAT: true})
		}
		if len(lines) == 0 {
			continue
		}
		saved, err := s.save(doc)
		if err != nil {
			return err
		}
		for _, l := range lines {
			s.stock[l.item][w2] -= l.qty
		}
		s.cash += saved.Paid
		s.retail = appendRecent(s.retail, sourceDoc{number: saved.Number, date: d, partner: walkIn, lines: lines}, 80)
	}
	return nil
}

// returns: credit customers send back part of a line now and then, walk-in customers
// bring a purchase back for cash, and the shop returns faulty goods to a supplier.
func (s *shop) returns(d ledger.Date) error {
	if len(s.sales) > 0 && s.r.Float64() < 0.3*s.rare() {
		k := s.r.IntN(len(s.sales))
		src := &s.sales[k]
		if j := s.r.IntN(len(src.lines)); src.lines[j].qty > 0 {
			l := &src.lines[j]
			q := 1 + s.r.Int64N((l.qty+2)/3)
			c := &s.customers[src.partner]
			saved, err := s.save(ledger.Doc{Type: ledger.DocSReturn, Date: d, Partner: c.code, Warehouse: warehouses[w1].Code,
				Memo: "客户退货", Lines: []ledger.DocLine{{Item: s.items[l.item].code, Qty: ledger.Units(q),
					Warehouse: warehouses[l.wh].Code, SourceLine: fmt.Sprintf("%s/%d", src.number, j+1)}}})
			if err != nil {
				return err
			}
			l.qty -= q
			s.stock[l.item][l.wh] += q
			c.settle(src.number, saved.Gross)
		}
	}
	if len(s.retail) > 0 && s.r.Float64() < 0.1*s.rare() {
		src := &s.retail[s.r.IntN(len(s.retail))]
		if j := s.r.IntN(len(src.lines)); src.lines[j].qty > 0 {
			l := &src.lines[j]
			saved, err := s.save(ledger.Doc{Type: ledger.DocSReturn, Date: d, Partner: s.customers[walkIn].code,
				Warehouse: warehouses[w2].Code, Account: cashAcct, Memo: "顾客退货退款",
				Lines: []ledger.DocLine{{Item: s.items[l.item].code, Qty: ledger.Units(1), SourceLine: fmt.Sprintf("%s/%d", src.number, j+1)}}})
			if err != nil {
				return err
			}
			l.qty--
			s.stock[l.item][w2]++
			s.cash -= saved.Paid
		}
	}
	if len(s.receipts) > 0 && weekday(d) == time.Wednesday && s.r.Float64() < 0.6*s.rare() {
		src := &s.receipts[s.r.IntN(len(s.receipts))]
		if j := s.r.IntN(len(src.lines)); src.lines[j].qty > 0 {
			l := &src.lines[j]
			q := min(1+s.r.Int64N(max(l.qty/10, 1)), l.qty, s.stock[l.item][l.wh])
			if q > 0 {
				sup := &s.suppliers[src.partner]
				saved, err := s.save(ledger.Doc{Type: ledger.DocPReturn, Date: d, Partner: sup.code, Warehouse: warehouses[l.wh].Code,
					Memo: "质量问题退货", Lines: []ledger.DocLine{{Item: s.items[l.item].code, Qty: ledger.Units(q),
						SourceLine: fmt.Sprintf("%s/%d", src.number, j+1)}}})
				if err != nil {
					return err
				}
				l.qty -= q
				s.stock[l.item][l.wh] -= q
				sup.settle(src.number, saved.Gross)
			}
		}
	}
	return nil
}

// rare scales the chance of rare events (returns) to the volume, but not below a
// third, so that a small book has them too.
func (s *shop) rare() float64 { return max(s.opt.Scale, 0.34) }

// settle takes an amount off the open invoice `number` (or, when it is paid, the
// oldest open one): a return.
func (p *partner) settle(number string, amt ledger.Money) {
	for k := range p.bills {
		if p.bills[k].number == number {
			p.bills[k].open -= amt
			return
		}
	}
	if len(p.bills) > 0 {
		p.bills[0].open -= amt
	}
}

// due takes the invoices due by d off the list and returns their total.
func (p *partner) due(d ledger.Date) ledger.Money {
	var sum ledger.Money
	keep := p.bills[:0]
	for _, b := range p.bills {
		if b.due <= d {
			sum += b.open
			continue
		}
		keep = append(keep, b)
	}
	p.bills = keep
	return sum
}

// collections: customers pay what fell due, by bank transfer (one in ten in cash).
func (s *shop) collections(d ledger.Date) error {
	for ci := 1; ci < len(s.customers); ci++ {
		c := &s.customers[ci]
		if len(c.bills) == 0 || c.bills[0].due > d && (len(c.bills) < 2 || c.bills[1].due > d) {
			continue
		}
		amt := c.due(d)
		if amt <= 0 {
			continue
		}
		if s.r.IntN(10) == 0 { // pays part now, the rest next week
			part := amt / 2 / 10_000 * 10_000
			if part > 0 {
				c.bills = append([]invoice{{number: "rest", due: addDays(d, 7), open: amt - part}}, c.bills...)
				amt = part
			}
		}
		acct := bankAcct
		if s.r.IntN(10) == 0 {
			acct = cashAcct
		}
		if _, err := s.save(ledger.Doc{Type: ledger.DocCollect, Date: d, Partner: c.code, Account: acct, Amount: amt}); err != nil {
			return err
		}
		if acct == cashAcct {
			s.cash += amt
		} else {
			s.bank += amt
		}
	}
	return nil
}

// payments pays the suppliers' bills that fell due, as far as the bank allows.
func (s *shop) payments(d ledger.Date) error {
	for si := range s.suppliers {
		sup := &s.suppliers[si]
		amt := sup.due(d)
		if amt <= 0 {
			continue
		}
		if amt > s.bank-5_000_000 {
			pay := max(s.bank-5_000_000, 0) / 10_000 * 10_000
			sup.bills = append([]invoice{{number: "rest", due: addDays(d, 15), open: amt - pay}}, sup.bills...)
			amt = pay
			if amt <= 0 {
				continue
			}
		}
		if _, err := s.save(ledger.Doc{Type: ledger.DocPay, Date: d, Partner: sup.code, Account: bankAcct, Amount: amt}); err != nil {
			return err
		}
		s.bank -= amt
	}
	return nil
}

type expense struct {
	day     int
	account string
	memo    string
	net     ledger.Money
	vat     ledger.Rate
	every   int // months between; 1 every month
}

var monthlyExpenses = []expense{
	{1, "560206", "房租", monthlyRent, 900, 1},
	{10, "560104", "门店员工工资", monthlyWages, 0, 1},
	{10, "560204", "办公室工资", monthlyOfficeWg, 0, 1},
	{18, "560299", "水电费", 400_000, 1300, 1},
	{5, "560103", "运输装卸费", 250_000, 900, 1},
	{12, "560205", "办公用品", 60_000, 1300, 2},
	{20, "560102", "促销宣传费", 300_000, 600, 3},
	{22, "560202", "业务招待费", 150_000, 0, 2},
}

// expenses pays the month's expenses on their days from the bank, and the last month's
// VAT on the 15th.
func (s *shop) expenses(d ledger.Date) error {
	day := int(d[8]-'0')*10 + int(d[9]-'0')
	m := d.Period().Month()
	for _, e := range monthlyExpenses {
		if e.day != day || (m-1)%e.every != 0 {
			continue
		}
		f := 0.9 + 0.2*s.r.Float64()
		if e.account == "560206" || e.account == "560104" || e.account == "560204" {
			f = 1
		}
		net := ledger.Money(float64(e.net)*f*min(s.opt.Scale, 1)) / 100 * 100
		saved, err := s.save(ledger.Doc{Type: ledger.DocExpense, Date: d, Account: bankAcct, Deductible: e.vat != 0,
			Memo: fmt.Sprintf("%d月%s", m, e.memo), Lines: []ledger.DocLine{{Account: e.account, Net: net, VATRate: e.vat, Memo: e.memo}}})
		if err != nil {
			return err
		}
		s.bank -= saved.Paid
	}
	if day == 15 && s.vatDue > 0 {
		if err := s.voucher(d, "缴纳"+string(s.vatPeriod)+"增值税",
			ledger.VoucherLine{Account: "222102", Side: "D", Amount: s.vatDue},
			ledger.VoucherLine{Account: bankAcct, Side: "C", Amount: s.vatDue}); err != nil {
			return err
		}
		s.bank -= s.vatDue
		s.vatDue = 0
	}
	return nil
}

// deposit takes the till's cash above the float to the bank.
func (s *shop) deposit(d ledger.Date) error {
	amt := (s.cash - tillFloat) / 10_000 * 10_000
	if amt <= 0 {
		return nil
	}
	if err := s.voucher(d, "现金存入银行",
		ledger.VoucherLine{Account: bankAcct, Side: "D", Amount: amt},
		ledger.VoucherLine{Account: cashAcct, Side: "C", Amount: amt}); err != nil {
		return err
	}
	s.cash -= amt
	s.bank += amt
	return nil
}

// depreciate is the month's manual depreciation voucher.
func (s *shop) depreciate(d ledger.Date) error {
	return s.voucher(d, "计提"+string(d.Period())+"折旧",
		ledger.VoucherLine{Account: "560207", Side: "D", Amount: depreciation},
		ledger.VoucherLine{Account: "1602", Side: "C", Amount: depreciation})
}

// count is the quarter-end stock count of part of the shop floor (and of the main
// warehouse in December): mostly right, some shrinkage, now and then one found.
func (s *shop) count(d ledger.Date) error {
	whs := []int{w2}
	if d.Period().Month() == 12 {
		whs = append(whs, w1)
	}
	for _, wh := range whs {
		n := min(len(s.items), max(10, int(100*s.opt.Scale)))
		doc := ledger.Doc{Type: ledger.DocCount, Date: d, Warehouse: warehouses[wh].Code, Memo: "季末抽盘"}
		var idx []int
		for _, i := range s.r.Perm(len(s.items))[:n] {
			if wh == w1 && s.items[i].home != w1 {
				continue
			}
			book := s.stock[i][wh]
			got := book
			switch x := s.r.IntN(100); {
			case x < 12:
				got--
			case x < 16:
				got -= 2
			case x < 19:
				got++
			case x < 20:
				got -= 5
			}
			got = max(got, 0)
			idx = append(idx, i)
			doc.Lines = append(doc.Lines, ledger.DocLine{Item: s.items[i].code, Qty: ledger.Units(got)})
			s.stock[i][wh] = got // applied once saved
		}
		if len(idx) == 0 {
			continue
		}
		if _, err := s.save(doc); err != nil {
			return err
		}
	}
	return nil
}
