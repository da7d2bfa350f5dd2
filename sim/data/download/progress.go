package download

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws "name  45% [=========>           ]  77.0/162.2 MB  3.2 MB/s" on one
// line, redrawn in place with a carriage return at most five times a second.
type progressBar struct {
	w           io.Writer
	name        string
	total, done int64
	from        int64 // bytes already there when this transfer started (a resume)
	start, last time.Time
}

const barWidth = 30

func (b *progressBar) add(n int64) {
	b.done += n
	b.draw(false)
}

func (b *progressBar) draw(force bool) {
	if b.w == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(b.last) < 200*time.Millisecond {
		return
	}
	b.last = now
	fmt.Fprint(b.w, "\r"+b.line(now))
}

func (b *progressBar) line(now time.Time) string {
	frac := 0.0
	if b.total > 0 {
		frac = min(1, float64(b.done)/float64(b.total))
	}
	fill := int(frac * barWidth)
	bar := strings.Repeat("=", fill)
	if fill < barWidth {
		bar += ">" + strings.Repeat(" ", barWidth-fill-1)
	}
	rate := ""
	if secs := now.Sub(b.start).Seconds(); secs > 0.05 {
		rate = fmt.Sprintf("  %.1f MB/s", float64(b.done-b.from)/1e6/secs)
	}
	return fmt.Sprintf("%s %3.0f%% [%s] %6.1f/%.1f MB%s", b.name, 100*frac, bar, float64(b.done)/1e6, float64(b.total)/1e6, rate)
}

// finish draws the last state and ends the line.
func (b *progressBar) finish() {
	if b.w == nil {
		return
	}
	b.draw(true)
	fmt.Fprintln(b.w)
}
