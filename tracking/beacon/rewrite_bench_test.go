package beacon_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

// mail100K builds a 100 KiB newsletter-like HTML mail with a link every
// ~500 bytes (about 200 links, 50 distinct).
func mail100K() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><style>td{font-family:Arial}</style></head><body><table width="600">`)
	for i := 0; b.Len() < 100<<10-200; i++ {
		fmt.Fprintf(&b, `<tr><td class="c%d" style="padding:8px;color:#333"><p>Paragraph %d with some text about the product, `+
			`its features &amp; pricing, and a <a href="https://www.example.org/p/%d?utm_source=mail&amp;utm_medium=email" target="_blank">link</a>.`+
			` More words follow to make the paragraph a realistic length for marketing mail.</p>`+
			`<img src="https://cdn.example.org/i/%d.png" width="100" alt=""></td></tr>`, i%7, i, i%50, i)
	}
	b.WriteString(`</table></body></html>`)
	return b.String()
}

// BenchmarkRewrite instruments a 100 KiB HTML mail (pixel, every link,
// unsubscribe headers).
func BenchmarkRewrite(b *testing.B) {
	r := newTrackRig(b, nil)
	body := mail100K()
	m := &provider.Message{To: []provider.Address{{Email: "ann@example.org"}}, HTML: body, MessageID: "m1@example.com"}
	if err := beacon.Track(m, beacon.All("spring")); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		plan beacon.Plan
	}{
		{"100KiB-all", beacon.All("spring")},
		{"100KiB-open-only", beacon.Plan{Open: true}},
	} {
		if err := beacon.Track(m, bc.plan); err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.p.Instrument(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
