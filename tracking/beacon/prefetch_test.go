package beacon_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

func TestDetector_Detect(t *testing.T) {
	d := &beacon.Detector{
		AppleRanges:   []netip.Prefix{netip.MustParsePrefix("172.224.224.0/27")},
		ScannerRanges: []netip.Prefix{netip.MustParsePrefix("2001:db8:5::/48")},
	}
	ip := netip.MustParseAddr
	for _, tc := range []struct {
		name string
		ua   string
		ip   netip.Addr
		want activity.Automation
	}{
		{"person", humanUA, ip("198.51.100.1"), activity.AutomationNone},
		{"person without address", humanUA, netip.Addr{}, activity.AutomationNone},
		{"Gmail proxy, lower case", "mozilla/5.0 (via ggpht.com googleimageproxy)", ip("66.249.1.1"), activity.AutomationGoogleProxy},
		{"Apple relay egress from the host's list", humanUA, ip("172.224.224.9"), activity.AutomationAppleMPP},
		{"just outside the host's list", humanUA, ip("172.224.224.33"), activity.AutomationNone},
		{"Apple /8, IPv6-mapped", humanUA, ip("::ffff:17.0.0.1"), activity.AutomationAppleMPP},
		{"scanner range", humanUA, ip("2001:db8:5::1"), activity.AutomationScanner},
		{"Office link check", "Microsoft Office Existence Discovery", ip("198.51.100.1"), activity.AutomationScanner},
		{"headless", "Mozilla/5.0 HeadlessChrome/120.0", ip("198.51.100.1"), activity.AutomationScanner},
		{"crawler word", "SomeCrawler/1.0", ip("198.51.100.1"), activity.AutomationScanner},
		{"token past the first 512 bytes is not seen", strings.Repeat("x", 600) + "Barracuda", ip("198.51.100.1"), activity.AutomationNone},
		{"Outlook desktop is a person", "Microsoft Outlook 16.0.17928; Pro", ip("198.51.100.1"), activity.AutomationNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Detect(tc.ua, tc.ip); got != tc.want {
				t.Errorf("Detect(%.40q, %v) = %q; want %q", tc.ua, tc.ip, got, tc.want)
			}
		})
	}
	var zero *beacon.Detector
	if got := zero.Detect("Barracuda", netip.Addr{}); got != activity.AutomationScanner {
		t.Errorf("nil Detector: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { d.Detect(humanUA, ip("198.51.100.1")) }); n != 0 {
		t.Errorf("Detect allocates %.0f times", n)
	}
}
