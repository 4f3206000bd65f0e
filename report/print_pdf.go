package report

import (
	"fmt"
	"math"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"shopbooks/assets"
)

// Fonts. assets.FontCJK (Droid Sans Fallback) has the CJK glyphs but no Latin letters,
// digits or ASCII punctuation (it is meant to back Droid Sans), so text is drawn in runs:
// whatever Go Regular (BSD, golang.org/x/image) has is set in it, the rest in the CJK face.
// gopdf embeds a subset of each: only the glyphs a document uses.
const (
	fontCJK   = "cjk"
	fontLatin = "latin"
)

type fontSet struct {
	container gopdf.FontContainer // parsed once, copied into each document
	latin     *sfnt.Font          // to ask which runes Go Regular covers
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{}
	if err := fs.container.AddTTFFontData(fontCJK, assets.FontCJK); err != nil {
		return nil, fmt.Errorf("CJK font: %w", err)
	}
	if err := fs.container.AddTTFFontData(fontLatin, goregular.TTF); err != nil {
		return nil, fmt.Errorf("latin font: %w", err)
	}
	var err error
	if fs.latin, err = sfnt.Parse(goregular.TTF); err != nil {
		return nil, fmt.Errorf("latin font: %w", err)
	}
	return fs, nil
})

// geometry is a page size's layout, in points.
type geometry struct {
	page                     gopdf.Rect
	left, right, top, bottom float64
	row                      float64 // a table row
	size                     float64 // body text
	titleSize                float64
}

var geometries = map[PageSize]geometry{
	PageA4: {page: gopdf.Rect{W: 595.28, H: 841.89}, left: 42, right: 42, top: 40, bottom: 32, row: 18, size: 9, titleSize: 20},
	PageA5: {page: gopdf.Rect{W: 595.28, H: 419.53}, left: 30, right: 30, top: 20, bottom: 14, row: 15, size: 8.5, titleSize: 16},
}

// printer draws on a gopdf document with a sticky error, so layout code reads straight.
type printer struct {
	pdf   *gopdf.GoPdf
	fonts *fontSet
	buf   sfnt.Buffer
	g     geometry
	err   error
}

// run is a stretch of text set in one font.
type run struct {
	font string
	text string
}

func (p *printer) runs(s string) []run {
	var out []run
	start, font := 0, "none"
	for i, r := range s {
		f := fontCJK
		switch gi, err := p.fonts.latin.GlyphIndex(&p.buf, r); {
		case r == ' ':
			f = "" // a gap: see spaceWidth
		case err == nil && gi != 0:
			f = fontLatin
		}
		if f != font {
			if i > start {
				out = append(out, run{font, s[start:i]})
			}
			start, font = i, f
		}
	}
	if len(s) > start {
		out = append(out, run{font, s[start:]})
	}
	return out
}

// spaceWidth is how far a space advances, in em: wider than either face's space, so that
// text extraction (pdftotext -layout, a screen reader, copy and paste) sees the words of
// "第 1 页 / 共 2 页" rather than running them together.
const spaceWidth = 0.45

func (p *printer) setFont(font string, size float64) {
	if p.err == nil {
		p.err = p.pdf.SetFont(font, "", size)
	}
}

// width measures s at size.
func (p *printer) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range p.runs(s) {
		if r.font == "" {
			w += spaceWidth * size * float64(len(r.text))
			continue
		}
		p.setFont(r.font, size)
		if p.err != nil {
			return 0
		}
		rw, err := p.pdf.MeasureTextWidth(r.text)
		if err != nil {
			p.err = err
			return 0
		}
		w += rw
	}
	return w
}

// text draws s with its baseline at y, starting at x.
func (p *printer) text(x, y float64, s string, size float64) {
	for _, r := range p.runs(s) {
		if r.font == "" {
			x += spaceWidth * size * float64(len(r.text))
			continue
		}
		p.setFont(r.font, size)
		if p.err != nil {
			return
		}
		p.pdf.SetXY(x, y)
		if p.err = p.pdf.Text(r.text); p.err != nil {
			return
		}
		w, err := p.pdf.MeasureTextWidth(r.text)
		if err != nil {
			p.err = err
			return
		}
		x += w
	}
}

// Alignments of cell text.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// cell draws s in the box (x, y, w, h), vertically centred, shrinking the text a little and
// then cutting it with … when it does not fit.
func (p *printer) cell(x, y, w, h float64, s string, size float64, align int) {
	const pad = 2.5
	s, size = p.fit(s, w-2*pad, size)
	tw := p.width(s, size)
	switch align {
	case alignCenter:
		x += (w - tw) / 2
	case alignRight:
		x += w - pad - tw
	default:
		x += pad
	}
	p.text(x, baseline(y, h, size), s, size)
}

// baseline puts text of a size in the middle of a box of height h at y: CJK glyphs and
// figures both sit about 0.36 em above the baseline at their centre.
func baseline(y, h, size float64) float64 { return y + h/2 + 0.36*size }

func (p *printer) fit(s string, w, size float64) (string, float64) {
	smallest := size * 0.8
	for ; size > smallest; size -= 0.5 {
		if p.width(s, size) <= w {
			return s, size
		}
	}
	size = smallest
	if p.width(s, size) <= w {
		return s, size
	}
	r := []rune(s)
	for len(r) > 0 && p.width(string(r)+"…", size) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…", size
}

func (p *printer) line(x1, y1, x2, y2 float64) { p.pdf.Line(x1, y1, x2, y2) }

// renderPDF prints a form on pages of the given size.
func renderPDF(f *form, size PageSize) ([]byte, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, err
	}
	g := geometries[size]
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: g.page, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: f.title + " " + f.number, Creator: "ShopBooks", Producer: "ShopBooks"})
	p := &printer{pdf: pdf, fonts: fonts, g: g}
	for _, name := range []string{fontCJK, fontLatin} {
		if err := pdf.AddTTFFontFromFontContainer(name, &fonts.container); err != nil {
			return nil, err
		}
	}
	l := newLayout(p, f)
	pages := l.paginate(len(f.rows))
	for i, rows := range pages {
		pdf.AddPage()
		y := l.heading()
		y = l.table(y, rows, i == len(pages)-1)
		if i == len(pages)-1 {
			l.trailer(y)
		}
		l.footer(i+1, len(pages))
		if p.err != nil {
			return nil, p.err
		}
	}
	return pdf.GetBytesPdfReturnErr()
}

// layout places a form on pages: a heading repeated on every page, the table (its header
// repeated), the trailer (totals, words, memo, signatures) on the last page, the page
// number on each.
type layout struct {
	*printer
	f      *form
	widths []float64 // column widths
	cw     float64   // the content width
	headH  float64   // heading down to the table's first body row
}

const (
	ruleWidth = 0.6
	gridWidth = 0.4
)

func newLayout(p *printer, f *form) *layout {
	l := &layout{printer: p, f: f}
	g := p.g
	l.cw = g.page.W - g.left - g.right
	fixed, flex := 0.0, 0
	for _, c := range f.cols {
		fixed += c.width
		if c.width == 0 {
			flex++
		}
	}
	// Fixed widths are points; the flexible columns share what is left of the page.
	scale := 1.0
	if fixed > l.cw {
		scale = l.cw / fixed
	}
	rest := l.cw - fixed*scale
	for _, c := range f.cols {
		w := c.width * scale
		if c.width == 0 {
			w = rest / float64(max(flex, 1))
		}
		l.widths = append(l.widths, w)
	}
	if flex == 0 && len(l.widths) > 0 { // no flexible column: the last one takes the rest
		l.widths[len(l.widths)-1] += rest
	}
	l.headH = l.headingHeight() + g.row + 2
	return l
}

func (l *layout) shopH() float64  { return l.g.size + 8 }
func (l *layout) titleH() float64 { return l.g.titleSize + 10 }
func (l *layout) fieldH() float64 { return l.g.size + 7 }

// fieldRows splits the heading's fields into rows of four quarters.
func (l *layout) fieldRows() [][]field {
	var rows [][]field
	used := 4
	for _, fd := range l.f.head {
		span := min(max(fd.span, 1), 4)
		if used+span > 4 {
			rows = append(rows, nil)
			used = 0
		}
		fd.span = span
		rows[len(rows)-1] = append(rows[len(rows)-1], fd)
		used += span
	}
	return rows
}

func (l *layout) headingHeight() float64 {
	return l.g.top + l.shopH() + l.titleH() + 4 + float64(len(l.fieldRows()))*l.fieldH() + 4
}

func (l *layout) footerH() float64 { return l.g.size + 10 }

func (l *layout) trailerHeight() float64 {
	g := l.g
	h := 0.0
	if l.f.total != nil {
		h += g.row
	}
	if l.f.words != "" {
		h += g.row + 2
	}
	line := g.size + 9
	if len(l.f.extra) > 0 {
		h += line
	}
	h += line         // memo
	h += 8 + g.size*3 // signatures
	return h
}

// paginate splits n rows into pages: as many as fit, the last page leaving room for the
// trailer; rows that fit on one page but not with the trailer are shared between the
// last two pages (a trailer alone under an empty table reads as a new document).
func (l *layout) paginate(n int) [][2]int {
	g := l.g
	body := g.page.H - g.bottom - l.footerH() - l.headH
	full := max(int(math.Floor(body/g.row)), 1)
	last := max(int(math.Floor((body-l.trailerHeight())/g.row)), 1)
	var pages [][2]int
	start := 0
	for n-start > last {
		k := full
		if r := n - start; r <= full { // the rest fits on one page, not with the trailer: halve it
			k = r - min(last, r/2)
		}
		pages = append(pages, [2]int{start, start + k})
		start += k
	}
	return append(pages, [2]int{start, n})
}

// heading draws the shop, the title with its stamp and the fields; it returns the y of the
// table's top.
func (l *layout) heading() float64 {
	g, f := l.g, l.f
	x0, y := g.left, g.top
	l.cell(x0, y, l.cw, l.shopH(), f.shop, g.size+2.5, alignCenter)
	y += l.shopH()
	l.cell(x0, y, l.cw, l.titleH(), f.title, g.titleSize, alignCenter)
	// A double rule under the title, as printed forms have it.
	tw := l.width(f.title, g.titleSize) + 24
	cx := x0 + l.cw/2
	l.pdf.SetLineWidth(0.8)
	l.line(cx-tw/2, y+l.titleH()-2, cx+tw/2, y+l.titleH()-2)
	l.pdf.SetLineWidth(0.4)
	l.line(cx-tw/2, y+l.titleH()+0.5, cx+tw/2, y+l.titleH()+0.5)
	if f.stamp != "" {
		l.stamp(y)
	}
	y += l.titleH() + 4
	quarter := l.cw / 4
	for _, row := range l.fieldRows() {
		x := x0
		for _, fd := range row {
			w := quarter * float64(fd.span)
			if fd.label != "" {
				l.cell(x-2.5, y, w, l.fieldH(), fd.label+"："+fd.value, g.size, alignLeft)
			}
			x += w
		}
		y += l.fieldH()
	}
	return y + 4
}

// stamp draws the status as an outlined box to the right of the title, in red.
func (l *layout) stamp(y float64) {
	g := l.g
	size := g.size + 4
	w, h := l.width(l.f.stamp, size)+14, size+10
	x := g.left + l.cw - w
	y += (l.titleH() - h) / 2
	l.pdf.SetStrokeColor(200, 30, 30)
	l.pdf.SetTextColor(200, 30, 30)
	l.pdf.SetLineWidth(1.4)
	l.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
	l.pdf.SetLineWidth(0.5)
	l.pdf.RectFromUpperLeftWithStyle(x+2.2, y+2.2, w-4.4, h-4.4, "D")
	l.cell(x, y, w, h, l.f.stamp, size, alignCenter)
	l.pdf.SetStrokeColor(0, 0, 0)
	l.pdf.SetTextColor(0, 0, 0)
}

// table draws the header and the rows [r[0], r[1]), then on the last page the totals and
// the amount in words; it returns the y below the table.
func (l *layout) table(y float64, r [2]int, last bool) float64 {
	g, f := l.g, l.f
	x0 := g.left
	top := y
	hh := g.row + 2
	l.pdf.SetFillColor(236, 236, 236)
	l.pdf.RectFromUpperLeftWithStyle(x0, y, l.cw, hh, "F")
	x := x0
	for i, c := range f.cols {
		l.cell(x, y, l.widths[i], hh, c.title, g.size, alignCenter)
		x += l.widths[i]
	}
	y += hh
	for _, row := range f.rows[r[0]:r[1]] {
		l.row(y, row, false)
		y += g.row
	}
	gridBottom := y
	if last && f.total != nil {
		l.row(y, f.total, true)
		y += g.row
		gridBottom = y
	}
	// The grid: outer box, a rule under each row, the column rules.
	l.pdf.SetLineWidth(gridWidth)
	for ry := top + hh; ry < gridBottom-0.1; ry += g.row {
		l.line(x0, ry, x0+l.cw, ry)
	}
	if last && f.total != nil {
		l.line(x0, gridBottom-g.row, x0+l.cw, gridBottom-g.row)
	}
	x = x0
	for _, w := range l.widths[:len(l.widths)-1] {
		x += w
		l.line(x, top, x, gridBottom)
	}
	if last && f.words != "" {
		h := g.row + 2
		l.cell(x0, y, l.cw-110, h, "金额大写："+f.words, g.size+0.5, alignLeft)
		l.cell(x0+l.cw-140, y, 140, h, "小写："+f.figure, g.size+0.5, alignRight)
		l.line(x0, y+h, x0+l.cw, y+h)
		y += h
	}
	l.pdf.SetLineWidth(ruleWidth)
	l.pdf.RectFromUpperLeftWithStyle(x0, top, l.cw, y-top, "D")
	l.line(x0, top+hh, x0+l.cw, top+hh)
	return y
}

// row draws one table row; a totals row spans its label over the empty cells before the
// first figure.
func (l *layout) row(y float64, cells []string, total bool) {
	g := l.g
	x := g.left
	for i, c := range l.f.cols {
		w := l.widths[i]
		if i >= len(cells) {
			break
		}
		align := alignLeft
		switch {
		case c.right:
			align = alignRight
		case i == 0 && (c.title == "行号" || total):
			align = alignCenter
		}
		l.cell(x, y, w, g.row, cells[i], g.size, align)
		x += w
	}
}

// trailer draws the settlement, the memo and the signature lines under the table.
func (l *layout) trailer(y float64) {
	g, f := l.g, l.f
	x0 := g.left
	line := g.size + 9
	if len(f.extra) > 0 {
		x := x0
		for _, fd := range f.extra {
			s := fd.label + "：" + fd.value
			l.cell(x-2.5, y, l.cw/4, line, s, g.size, alignLeft)
			x += l.cw / 4
		}
		y += line
	}
	l.cell(x0-2.5, y, l.cw, line, "备注："+f.memo, g.size, alignLeft)
	y += line + 8
	// Signature lines: equal columns, the name printed on the line or left blank to sign.
	w := l.cw / float64(len(f.signs))
	base := y + g.size*2
	l.pdf.SetLineWidth(gridWidth)
	for i, fd := range f.signs {
		x := x0 + float64(i)*w
		label := fd.label + "："
		lw := l.width(label, g.size)
		l.text(x, base, label, g.size)
		l.line(x+lw, base+2, x+w-12, base+2)
		if fd.value != "" {
			l.cell(x+lw, base-g.size*1.2, w-12-lw, g.size*1.4, fd.value, g.size, alignCenter)
		}
	}
}

// footer numbers the page.
func (l *layout) footer(n, of int) {
	g := l.g
	s := fmt.Sprintf("第 %d 页 / 共 %d 页", n, of)
	h := g.size + 4 // at the bottom of its space, clear of the table
	l.cell(g.left, g.page.H-g.bottom-h, l.cw, h, s, g.size-0.5, alignCenter)
}
