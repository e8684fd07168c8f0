package testnet

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// WriteSVG draws the report's figure: on the left the latency
// distribution of each driver (a histogram on a log time axis and its
// CDF), on the right deliveries per second over the run. No plotting
// library: the SVG is written by hand.
func (rep *Report) WriteSVG(w io.Writer) error {
	const (
		W, H         = 960, 400
		pw, ph       = 400, 300 // panel size
		lx, rx, top  = 60, 540, 50
		bucketsPerDx = 10 // histogram buckets per decade
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", W, H, W, H)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	s := rep.Scenario
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14">peerd testnet: %d peers, degree %d, %d objects × %d B, %s, seed %d</text>`+"\n", lx, s.Peers, s.Degree, s.Objects, s.Size, s.Network, s.Seed)
	type series struct {
		r     *Result
		color string
	}
	var all []series
	if rep.Baseline != nil {
		all = append(all, series{rep.Baseline, "#888888"})
	}
	if rep.Peerd != nil {
		all = append(all, series{rep.Peerd, "#1f77b4"})
	}

	// Left panel: latency, log10 axis from the smallest to the largest
	// sample (at least one decade).
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, sr := range all {
		if n := len(sr.r.latencies); n > 0 {
			lo = math.Min(lo, math.Log10(float64(max(sr.r.latencies[0], time.Microsecond))))
			hi = math.Max(hi, math.Log10(float64(sr.r.latencies[n-1])))
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 6, 9
	}
	lo, hi = math.Floor(lo), math.Max(math.Ceil(hi), math.Floor(lo)+1)
	nb := int((hi - lo) * bucketsPerDx)
	xOf := func(l float64) float64 { return lx + (l-lo)/(hi-lo)*pw }
	axes(&b, lx, top, pw, ph, "latency, SetObject → watcher event (log scale)", "share of deliveries / CDF")
	for d := lo; d <= hi; d++ {
		x := xOf(d)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n",
			x, top, x, top+ph, x, top+ph+15, time.Duration(math.Pow(10, d)))
	}
	for k, sr := range all {
		lat := sr.r.latencies
		if len(lat) == 0 {
			continue
		}
		counts := make([]int, nb)
		for _, d := range lat {
			i := int((math.Log10(float64(max(d, time.Microsecond))) - lo) * bucketsPerDx)
			counts[min(max(i, 0), nb-1)]++
		}
		peak := 0
		for _, c := range counts {
			peak = max(peak, c)
		}
		bw := float64(pw) / float64(nb)
		for i, c := range counts {
			if c == 0 {
				continue
			}
			h := float64(c) / float64(peak) * ph * 0.9
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.35"/>`+"\n",
				lx+float64(i)*bw, float64(top+ph)-h, bw, h, sr.color)
		}
		// CDF: 200 points.
		var pts []string
		for j := 0; j <= 200; j++ {
			d := lat[min(len(lat)-1, j*len(lat)/200)]
			x := xOf(math.Log10(float64(max(d, time.Microsecond))))
			y := float64(top+ph) - float64(j)/200*ph
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), sr.color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s: p50 %v, p99 %v</text>`+"\n", lx+10, top+15+15*k, sr.color, sr.r.Driver,
			sr.r.Latency.P50.Round(100*time.Microsecond), sr.r.Latency.P99.Round(100*time.Microsecond))
	}

	// Right panel: deliveries per second.
	secs, peak := 1, int64(1)
	for _, sr := range all {
		secs = max(secs, len(sr.r.Timeline))
		for _, p := range sr.r.Timeline {
			peak = max(peak, p.Delivered)
		}
	}
	axes(&b, rx, top, pw, ph, "seconds since the first update", "deliveries per second")
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%d</text><text x="%d" y="%d" text-anchor="middle">%d</text>`+"\n", rx-4, top+5, peak, rx+pw, top+ph+15, secs)
	for k, sr := range all {
		var pts []string
		for _, p := range sr.r.Timeline {
			x := float64(rx) + (float64(p.Second)+0.5)/float64(secs)*pw
			y := float64(top+ph) - float64(p.Delivered)/float64(peak)*ph
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), sr.color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s: %.2f%% delivered</text>`+"\n", rx+pw-200, top+15+15*k, sr.color, sr.r.Driver, 100*sr.r.Share)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func axes(b *strings.Builder, x, y, w, h int, xl, yl string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", x, y, w, h)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x+w/2, y+h+32, xl)
	fmt.Fprintf(b, `<text transform="translate(%d,%d) rotate(-90)" text-anchor="middle">%s</text>`+"\n", x-40, y+h/2, yl)
}

// TempRoot is where runs keep their files: /dev/shm when it exists (the
// contact stores sync every write; a RAM disk makes that free), else the
// system's temporary directory.
func TempRoot() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}
