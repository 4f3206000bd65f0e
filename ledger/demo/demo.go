// Package demo generates the book of a realistic shop (a small wholesale-and-retail
// grocery with 2,000 items, 3 warehouses, 200 customers and 50 suppliers) month by month
// through the ledger's own services, closing every month: the demo book a new user tries
// the product on (`shopbooks demo`), and the book the benchmarks of several packages
// (ledger, report, ui) measure against the issues' targets. It is its own package, not a
// test helper of ledger, because the CLI's demo command and the benchmarks of other
// packages use it; it imports ledger and nothing imports it but them.
//
// The generator is deterministic: the same options (seed included) give the same
// documents and byte-identical vouchers, because every choice comes from one
// math/rand/v2 source seeded by Options.Seed, the book's clock is the simulated day,
// and nothing iterates a map.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"shopbooks/ledger"
)

// Version changes whenever the generator makes a different book for the same options
// (3: the audit trail stores images compactly, schema 6);
// the benchmarks' cached books carry it in their names.
const Version = 3

// Options size the generated shop. Zero values take the defaults of the issue: one
// year from 2023-01, 2,000 items, 200 customers, 50 suppliers, full volume.
type Options struct {
	Years     int   // default 1
	Months    int   // when > 0, the number of months instead of Years (small test books)
	Seed      int64 // the same seed gives the same book
	Start     ledger.Period
	Items     int
	Customers int // the walk-in cash customer included
	Suppliers int
	// Scale is the fraction of the full volume of documents (about 100,000 document
	// lines a year at 1): tests use a small one. Default 1.
	Scale float64
	// Progress, when set, is told what is being made: "items", "opening", then each
	// period ("2023-03") with the month's index among all, then "done".
	Progress func(step string, done, total int)
}

func (o Options) withDefaults() Options {
	if o.Years <= 0 {
		o.Years = 1
	}
	if o.Months <= 0 {
		o.Months = 12 * o.Years
	}
	if o.Start == "" {
		o.Start = "2023-01"
	}
	if o.Items <= 0 {
		o.Items = 2000
	}
	if o.Customers <= 1 {
		o.Customers = 200
	}
	if o.Suppliers <= 0 {
		o.Suppliers = 50
	}
	if o.Scale <= 0 {
		o.Scale = 1
	}
	if o.Progress == nil {
		o.Progress = func(string, int, int) {}
	}
	return o
}

// Stats count what Generate made.
type Stats struct {
	Docs, Lines, Vouchers int
	ByType                map[ledger.DocType]int
	Elapsed               time.Duration
}

// The warehouses: W1 the main store room, W2 the shop floor (walk-in sales), W3 the
// second warehouse for bulky goods.
var warehouses = []ledger.Warehouse{{Code: "W1", Name: "主仓库"}, {Code: "W2", Name: "门店"}, {Code: "W3", Name: "城南仓库"}}

const (
	w1, w2, w3 = 0, 1, 2
	walkIn     = 0 // the walk-in customer's index
	cashAcct   = "1001"
	bankAcct   = "1002"
)

type item struct {
	code      string
	cat       int
	vat       int64
	buy, sell ledger.Price
	home      int   // W1 or W3: where it is received and sold on credit from
	supplier  int   // its supplier's index
	pack      int64 // case size for credit customers
	reorder   int64 // reorder when home stock + on order falls below
	upTo      int64 // and order up to
	floor     int64 // the shop floor's level after a restock
}

type invoice struct {
	number string
	due    ledger.Date
	open   ledger.Money
}

type partner struct {
	code  string
	terms int
	bills []invoice // open invoices (customers) or bills (suppliers), oldest first
}

type docLine struct {
	item int
	qty  int64
	wh   int
}

type sourceDoc struct {
	number  string
	date    ledger.Date
	partner int
	wh      int
	lines   []docLine
}

type order struct {
	receipt  ledger.Doc // the receipt that will receive it
	supplier int
	arrives  ledger.Date
	lines    []docLine
}

// shop is the generator's state: its model of the stock mirrors the book's, so no
// document it makes is refused for negative stock.
type shop struct {
	ctx   context.Context
	b     *ledger.Book
	u     *ledger.User
	r     *rand.Rand
	opt   Options
	log   *slog.Logger
	now   time.Time
	stats Stats

	items     []item
	cum       []float64 // cumulative popularity of the items
	monthly   []float64 // expected monthly demand per item at full volume (units)
	stock     [][3]int64
	onOrder   []int64
	customers []partner
	suppliers []partner
	cash      ledger.Money // cash in the till (1001) as the generator tracks it
	bank      ledger.Money // and in the bank (1002)
	orders    []order      // purchase orders not yet received
	sales     []sourceDoc  // recent credit deliveries, for returns
	retail    []sourceDoc  // recent walk-in deliveries
	receipts  []sourceDoc  // recent receipts, for purchase returns
	vatDue    ledger.Money // unpaid VAT of the last closed month
	vatPeriod ledger.Period
}

var cst = time.FixedZone("CST", 8*3600)

// Generate creates a new book at path (an existing file is refused) and fills it with
// the shop's master data, balanced opening balances and opt's months of business, each
// month closed.
func Generate(ctx context.Context, path string, opt Options, log *slog.Logger) error {
	_, err := GenerateStats(ctx, path, opt, log)
	return err
}

// GenerateStats is Generate, telling what it made.
func GenerateStats(ctx context.Context, path string, opt Options, log *slog.Logger) (Stats, error) {
	opt = opt.withDefaults()
	if _, err := ledger.ParsePeriod("start", string(opt.Start)); err != nil {
		return Stats{}, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	s := &shop{ctx: ctx, opt: opt, log: log, r: rand.New(rand.NewPCG(uint64(opt.Seed), 0x5348424B)),
		stats: Stats{ByType: map[ledger.DocType]int{}}}
	s.now = dayTime(opt.Start.FirstDay()).Add(-24 * time.Hour)
	b, err := ledger.Create(ctx, path, ledger.NewBook{Settings: ledger.Settings{Name: "恒达便利店（演示）", Start: opt.Start,
		Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}}, log)
	if err != nil {
		return s.stats, err
	}
	defer b.Close()
	s.b = b
	b.SetClock(func() time.Time { s.now = s.now.Add(7 * time.Second); return s.now })
	if s.u, err = b.Login(ctx, "admin", ""); err != nil {
		return s.stats, err
	}
	if err := s.masterData(); err != nil {
		return s.stats, fmt.Errorf("master data: %w", err)
	}
	if err := s.opening(); err != nil {
		return s.stats, fmt.Errorf("opening balances: %w", err)
	}
	p := opt.Start
	for m := range opt.Months {
		if err := ctx.Err(); err != nil {
			return s.stats, err
		}
		opt.Progress(string(p), m, opt.Months)
		t0 := time.Now()
		docs := s.stats.Docs
		if err := s.month(p); err != nil {
			return s.stats, fmt.Errorf("%s: %w", p, err)
		}
		t1 := time.Now()
		res, err := b.ClosePeriod(ctx, s.u, p, ledger.CloseOptions{})
		if err != nil {
			return s.stats, fmt.Errorf("close %s: %w %v", p, err, res.Findings)
		}
		s.stats.Vouchers += len(res.Vouchers)
		var warned []string
		for _, f := range res.Findings {
			warned = append(warned, fmt.Sprintf("%s×%d", f.Check, f.Count))
		}
		log.Info("demo month", "period", p, "docs", s.stats.Docs-docs, "entered", t1.Sub(t0).Round(time.Millisecond),
			"closed", time.Since(t1).Round(time.Millisecond), "vouchers", len(res.Vouchers), "profit", res.Profit.String(),
			"warnings", strings.Join(warned, " "), "cash", s.cash.String(), "bank", s.bank.String())
		if err := s.afterClose(p); err != nil {
			return s.stats, err
		}
		p = p.Next()
	}
	opt.Progress("done", opt.Months, opt.Months)
	s.stats.Elapsed = time.Since(start)
	return s.stats, nil
}

// dayTime is 08:30 in China on a date.
func dayTime(d ledger.Date) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", string(d), cst)
	return t.Add(8*time.Hour + 30*time.Minute)
}

// masterData adds the categories, warehouses, items, customers and suppliers.
func (s *shop) masterData() error {
	ctx, b, u, r, o := s.ctx, s.b, s.u, s.r, s.opt
	ncat := min(len(categories), o.Items)
	for _, c := range categories[:ncat] {
		if _, err := b.AddCategory(ctx, u, ledger.Category{Code: c.code, Name: c.name}); err != nil {
			return err
		}
	}
	for _, w := range warehouses {
		if _, err := b.AddWarehouse(ctx, u, w); err != nil {
			return err
		}
	}
	// Suppliers: each serves one category (the 50 spread over the 20).
	for i := range o.Suppliers {
		cat := categories[i%ncat]
		name := fmt.Sprintf("%s%s%s", suppCity[(i/ncat+i)%len(suppCity)], cat.brands[i/ncat%len(cat.brands)], suppKinds[i%len(suppKinds)])
		p := ledger.Partner{Code: fmt.Sprintf("S%02d", i+1), Name: name, Supplier: true, TermsDays: []int{30, 30, 45, 60}[i%4],
			Phone: fmt.Sprintf("020-8%07d", r.IntN(10_000_000)), Contact: "业务员"}
		if _, err := b.AddPartner(ctx, u, p); err != nil {
			return fmt.Errorf("supplier %s: %w", p.Code, err)
		}
		s.suppliers = append(s.suppliers, partner{code: p.Code, terms: p.TermsDays})
	}
	// Customers: the walk-in cash customer, then credit customers on 7–60 day terms.
	if _, err := b.AddPartner(ctx, u, ledger.Partner{Code: "C000", Name: "零售散客", Customer: true}); err != nil {
		return err
	}
	s.customers = append(s.customers, partner{code: "C000"})
	for i := 1; i < o.Customers; i++ {
		name := fmt.Sprintf("%s%s%s", areas[i%len(areas)], custNames[(i/len(areas)+i)%len(custNames)], custKinds[(i*7/3)%len(custKinds)])
		if i >= len(areas)*len(custNames) {
			name += fmt.Sprintf("%d号", i)
		}
		p := ledger.Partner{Code: fmt.Sprintf("C%03d", i), Name: name, Customer: true, TermsDays: terms[r.IntN(len(terms))],
			Phone: fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100_000_000))}
		if _, err := b.AddPartner(ctx, u, p); err != nil {
			return fmt.Errorf("customer %s: %w", p.Code, err)
		}
		s.customers = append(s.customers, partner{code: p.Code, terms: p.TermsDays})
	}
	// Items: names from the category's brands × products × sizes, in a shuffled order.
	perCat := make([][][3]int, ncat)
	for ci, c := range categories[:ncat] {
		for bi := range c.brands {
			for pi := range c.products {
				for si := range c.sizes {
					perCat[ci] = append(perCat[ci], [3]int{bi, pi, si})
				}
			}
		}
		r.Shuffle(len(perCat[ci]), func(i, j int) { perCat[ci][i], perCat[ci][j] = perCat[ci][j], perCat[ci][i] })
	}
	// Popularity: Zipf-like over a random ranking: weight 1/(rank+5).
	rank := r.Perm(o.Items)
	weights := make([]float64, o.Items)
	total := 0.0
	for i := range o.Items {
		weights[i] = 1 / float64(rank[i]+6)
		total += weights[i]
	}
	s.items = make([]item, o.Items)
	s.cum = make([]float64, o.Items)
	s.monthly = make([]float64, o.Items)
	s.stock = make([][3]int64, o.Items)
	s.onOrder = make([]int64, o.Items)
	acc := 0.0
	for i := range o.Items {
		ci := i % ncat
		c := categories[ci]
		combo := perCat[ci][(i/ncat)%len(perCat[ci])]
		name := c.brands[combo[0]] + c.products[combo[1]] + " " + c.sizes[combo[2]]
		if n := i / ncat / len(perCat[ci]); n > 0 {
			name += fmt.Sprintf(" 款%d", n+1)
		}
		buy := math.Exp(math.Log(c.low) + r.Float64()*(math.Log(c.high)-math.Log(c.low)))
		buyP := ledger.Price(math.Round(buy*10) * 100_000) // to the jiao
		sellP := ledger.Price(math.Round(buy*(1.18+r.Float64()*0.27)*10) * 100_000)
		it := item{code: fmt.Sprintf("SP%04d", i+1), cat: ci, vat: c.vat, buy: buyP, sell: max(sellP, buyP+100_000),
			home: w1, pack: c.packs[r.IntN(len(c.packs))]}
		if c.bulky {
			it.home = w3
		}
		// the category's suppliers are those with index ≡ ci (mod ncat)
		var sup []int
		for j := ci; j < o.Suppliers; j += ncat {
			sup = append(sup, j)
		}
		if len(sup) == 0 {
			sup = []int{i % o.Suppliers}
		}
		it.supplier = sup[r.IntN(len(sup))]
		p := weights[i] / total
		acc += weights[i] / total
		s.cum[i] = acc
		s.monthly[i] = p * (retailUnits + creditUnits)
		m := s.monthly[i] * o.Scale
		it.reorder = int64(math.Ceil(0.5*m)) + it.pack
		it.upTo = roundUp(int64(math.Ceil(1.5*m))+2*it.pack, it.pack)
		it.floor = int64(math.Ceil(0.8*p*retailUnits*o.Scale)) + 2
		s.items[i] = it
		unit := c.units[r.IntN(len(c.units))]
		li := ledger.Item{Code: it.code, Name: name, Unit: unit, Category: c.code, VAT: ledger.Rate(it.vat),
			Barcode: fmt.Sprintf("69%02d%09d", ci+10, (i*7919+13)%1_000_000_000), Buy: it.buy, Sell: it.sell,
			Reorder: ledger.Units(it.reorder), RefCost: it.buy}
		if c.sizes[combo[2]] != "" {
			li.Spec = c.sizes[combo[2]]
		}
		if _, err := b.AddItem(ctx, u, li); err != nil {
			return fmt.Errorf("item %s: %w", it.code, err)
		}
		if i%100 == 0 {
			o.Progress("items", i, o.Items)
		}
	}
	s.cum[len(s.cum)-1] = 1
	return nil
}

// The full volume, per month: walk-in tickets and credit deliveries and what they hold.
const (
	ticketsPerDay   = 45.0
	ticketLines     = 2.5
	creditPerDay    = 10.0
	creditLines     = 12
	retailUnits     = ticketsPerDay * 30 * ticketLines * 1.5
	creditUnits     = creditPerDay * 26 * creditLines * 14
	fixedAssets     = ledger.Money(18_000_000) // 180,000.00: shelves, freezers, a van
	depreciation    = ledger.Money(250_000)    // 2,500.00 a month: 6 years, no residual
	openingCash     = ledger.Money(3_000_000)
	openingBank     = ledger.Money(80_000_000)
	tillFloat       = ledger.Money(500_000) // kept in the till at a deposit
	monthlyRent     = ledger.Money(2_000_000)
	monthlyWages    = ledger.Money(3_600_000)
	monthlyOfficeWg = ledger.Money(1_200_000)
)

func roundUp(n, to int64) int64 {
	if to <= 1 {
		return n
	}
	return (n + to - 1) / to * to
}

// opening sets the opening stock (home warehouse and shop floor at their levels),
// cash, bank and fixed assets, and the capital that balances them.
func (s *shop) opening() error {
	ctx, b, u := s.ctx, s.b, s.u
	var stock ledger.Money
	for i, it := range s.items {
		home := it.upTo - it.pack
		floor := it.floor
		for _, x := range []struct {
			wh  int
			qty int64
		}{{it.home, home}, {w2, floor}} {
			if x.qty <= 0 {
				continue
			}
			amt := ledger.Money(int64(it.buy) * x.qty / 10_000)
			if err := b.SetOpeningStock(ctx, u, it.code, warehouses[x.wh].Code, ledger.Units(x.qty), amt); err != nil {
				return fmt.Errorf("%s: %w", it.code, err)
			}
			s.stock[i][x.wh] = x.qty
			stock += amt
		}
		if i%100 == 0 {
			s.opt.Progress("opening", i, len(s.items))
		}
	}
	for _, x := range []struct {
		acct string
		amt  ledger.Money
	}{{cashAcct, openingCash}, {bankAcct, openingBank}, {"1601", fixedAssets},
		{"3001", openingCash + openingBank + fixedAssets + stock}} {
		if err := b.SetOpening(ctx, u, x.acct, "", x.amt, 0, 0); err != nil {
			return fmt.Errorf("%s: %w", x.acct, err)
		}
	}
	s.cash, s.bank = openingCash, openingBank
	c, err := b.CheckOpening(ctx)
	if err != nil {
		return err
	}
	if !c.Balanced || !c.StockMatches {
		return fmt.Errorf("opening balances do not balance: %+v", c)
	}
	return nil
}

// pick draws an item by popularity.
func (s *shop) pick() int {
	i, _ := slices.BinarySearch(s.cum, s.r.Float64())
	return min(i, len(s.items)-1)
}

// save saves and audits a document and counts it.
func (s *shop) save(d ledger.Doc) (ledger.Doc, error) {
	saved, err := s.b.SaveAndAuditDoc(s.ctx, s.u, d)
	if err != nil {
		return saved, fmt.Errorf("%s %s %s: %w", d.Type, d.Date, d.Partner, err)
	}
	s.stats.Docs++
	s.stats.Lines += len(saved.Lines)
	s.stats.ByType[d.Type]++
	return saved, nil
}

// voucher saves and audits a manual voucher.
func (s *shop) voucher(date ledger.Date, summary string, lines ...ledger.VoucherLine) error {
	v, err := s.b.SaveVoucher(s.ctx, s.u, ledger.Voucher{Date: date, Summary: summary, Lines: lines})
	if err != nil {
		return fmt.Errorf("voucher %s %s: %w", date, summary, err)
	}
	return s.b.AuditVoucher(s.ctx, s.u, v.Ref(), true)
}

// afterClose reads what the closed month leaves to pay: the unpaid VAT (222102).
func (s *shop) afterClose(p ledger.Period) error {
	bals, err := s.b.Balances(s.ctx, s.u, p)
	if err != nil {
		return err
	}
	s.vatDue = 0
	for _, x := range bals {
		if x.Account == "222102" {
			s.vatDue -= x.Balance // a credit balance
		}
	}
	s.vatPeriod = p
	return nil
}
