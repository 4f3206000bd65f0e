package ui

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// Charts drawn with canvas primitives (UI.md §2 Home: Fyne has no chart widget): bars are
// canvas.Rectangles on a canvas.Line axis, negatives below it in red, labelled with
// canvas.Text; a line is canvas.Line segments with canvas.Circle points.

// chartSeries is one series of a chart: a value per slot (ok false: no value there).
type chartSeries struct {
	name   string
	color  color.Color
	values []ledger.Money
	ok     []bool
}

// chart is a bar chart (several series side by side) or, with line, a line chart.
type chart struct {
	widget.BaseWidget
	labels []string // one per slot, under the axis
	series []chartSeries
	line   bool
	minH   float32
}

func newChart(labels []string, line bool, series ...chartSeries) *chart {
	c := &chart{labels: labels, series: series, line: line, minH: 180}
	c.ExtendBaseWidget(c)
	return c
}

func (c *chart) MinSize() fyne.Size { return fyne.NewSize(360, c.minH) }

func (c *chart) CreateRenderer() fyne.WidgetRenderer { return &chartRenderer{c: c} }

type chartRenderer struct {
	c    *chart
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *chartRenderer) Layout(sz fyne.Size) {
	r.size = sz
	r.objs = r.c.draw(sz)
}

func (r *chartRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *chartRenderer) Destroy()                     {}
func (r *chartRenderer) Refresh() {
	r.objs = r.c.draw(r.c.Size())
	for _, o := range r.objs {
		o.Refresh()
	}
}

// scale is the chart's value range: from lo (≤ 0) to hi (≥ 0), rounded out to a nice step.
func (c *chart) scale() (lo, hi float64) {
	for _, s := range c.series {
		for i, v := range s.values {
			if i < len(s.ok) && !s.ok[i] {
				continue
			}
			f := float64(v) / 100
			lo, hi = math.Min(lo, f), math.Max(hi, f)
		}
	}
	if hi == 0 && lo == 0 {
		hi = 1
	}
	step := niceStep(math.Max(hi, -lo))
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

// niceStep is 1, 2 or 5 times a power of ten, near a quarter of x.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	raw := x / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// axisText is a value on the axis: whole yuan with thousands separators, or 万 above.
func axisText(v float64) string {
	m := ledger.Money(math.Round(v) * 100)
	s := m.Format()
	if len(s) > 3 && s[len(s)-3:] == ".00" {
		s = s[:len(s)-3]
	}
	return s
}

// draw makes the chart's objects for a size.
func (c *chart) draw(sz fyne.Size) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	n := len(c.labels)
	if n == 0 || sz.Width <= 0 || sz.Height <= 0 {
		return out
	}
	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameDisabled)
	danger := theme.Color(theme.ColorNameError)
	const textSize = 11
	lo, hi := c.scale()
	left := float32(8)
	for _, v := range []float64{lo, hi} {
		left = max(left, fyne.MeasureText(axisText(v), textSize, fyne.TextStyle{Monospace: true}).Width+8)
	}
	top, bottom := float32(22), float32(18)
	w, h := sz.Width-left-4, sz.Height-top-bottom
	if w <= 10 || h <= 10 {
		return out
	}
	y := func(v float64) float32 { return top + float32((hi-v)/(hi-lo))*h }
	// legend, top right
	lx := sz.Width - 4
	for i := len(c.series) - 1; i >= 0; i-- {
		s := c.series[i]
		t := canvas.NewText(s.name, fg)
		t.TextSize = textSize
		tw := fyne.MeasureText(s.name, textSize, fyne.TextStyle{}).Width
		lx -= tw
		t.Move(fyne.NewPos(lx, 2))
		t.Resize(fyne.NewSize(tw, 16))
		sw := canvas.NewRectangle(s.color)
		lx -= 14
		sw.Move(fyne.NewPos(lx, 6))
		sw.Resize(fyne.NewSize(10, 10))
		if c.line {
			sw.CornerRadius = 5
		}
		lx -= 12
		out = append(out, sw, t)
	}
	// the axis labels and the zero line
	for _, v := range []float64{hi, lo} {
		if v == 0 {
			continue
		}
		gl := canvas.NewLine(grid)
		gl.StrokeWidth = 0.5
		gl.Position1, gl.Position2 = fyne.NewPos(left, y(v)), fyne.NewPos(left+w, y(v))
		out = append(out, gl)
	}
	for i, v := range []float64{hi, 0, lo} {
		if i == 2 && lo == 0 {
			continue
		}
		txt := axisText(v)
		t := canvas.NewText(txt, fg)
		t.TextSize = textSize
		t.TextStyle.Monospace = true
		tw := fyne.MeasureText(txt, textSize, t.TextStyle).Width
		t.Move(fyne.NewPos(left-6-tw, y(v)-8))
		t.Resize(fyne.NewSize(tw, 16))
		if v < 0 {
			t.Color = danger
		}
		out = append(out, t)
	}
	axis := canvas.NewLine(fg)
	axis.StrokeWidth = 1
	axis.Position1, axis.Position2 = fyne.NewPos(left, y(0)), fyne.NewPos(left+w, y(0))
	out = append(out, axis)
	slot := w / float32(n)
	for i, l := range c.labels {
		t := canvas.NewText(l, fg)
		t.TextSize = textSize
		tw := fyne.MeasureText(l, textSize, fyne.TextStyle{}).Width
		t.Move(fyne.NewPos(left+slot*float32(i)+(slot-tw)/2, top+h+2))
		t.Resize(fyne.NewSize(tw, 16))
		out = append(out, t)
	}
	if c.line {
		for _, s := range c.series {
			var prev *fyne.Position
			for i := range n {
				if i >= len(s.values) || i < len(s.ok) && !s.ok[i] {
					prev = nil
					continue
				}
				p := fyne.NewPos(left+slot*(float32(i)+0.5), y(float64(s.values[i])/100))
				if prev != nil {
					seg := canvas.NewLine(s.color)
					seg.StrokeWidth = 2
					seg.Position1, seg.Position2 = *prev, p
					out = append(out, seg)
				}
				dot := canvas.NewCircle(s.color)
				if s.values[i] < 0 {
					dot.FillColor = danger
				}
				dot.Move(fyne.NewPos(p.X-3.5, p.Y-3.5))
				dot.Resize(fyne.NewSize(7, 7))
				out = append(out, dot)
				pp := p
				prev = &pp
			}
		}
		return out
	}
	k := float32(len(c.series))
	bw := min(slot*0.8/k, 28)
	for j, s := range c.series {
		for i := range n {
			if i >= len(s.values) || i < len(s.ok) && !s.ok[i] || s.values[i] == 0 {
				continue
			}
			v := float64(s.values[i]) / 100
			x0 := left + slot*float32(i) + (slot-bw*k)/2 + bw*float32(j)
			y0, y1 := y(v), y(0)
			col := s.color
			if v < 0 {
				y0, y1 = y(0), y(v)
				col = danger
			}
			bar := canvas.NewRectangle(col)
			bar.Move(fyne.NewPos(x0+1, y0))
			bar.Resize(fyne.NewSize(max(bw-2, 1), max(y1-y0, 1)))
			out = append(out, bar)
		}
	}
	return out
}

// monthLabel is the short name of month m (1..12) in the window's language.
func monthLabel(s *session, m int) string {
	return s.t("ui.home.month_short", map[string]any{"m": strconv.Itoa(m), "mon": monthAbbr[m-1]})
}

var monthAbbr = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
