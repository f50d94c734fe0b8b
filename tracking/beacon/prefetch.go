package beacon

import (
	"net/netip"

	"github.com/inboxkit/inboxkit/tracking/activity"
)

// Detector flags requests from known prefetchers and scanners by
// User-Agent and source address. These are heuristics: scanners that
// present an ordinary browser User-Agent from an unlisted address look
// like people. The zero Detector uses the built-in lists.
//
// A Detector is safe for concurrent use once built.
type Detector struct {
	// AppleRanges are further source prefixes treated as Apple Mail
	// Privacy Protection proxies (for example Apple's published iCloud
	// Private Relay egress list). 17.0.0.0/8 is always included.
	AppleRanges []netip.Prefix
	// ScannerRanges are source prefixes of link scanners the host knows
	// (its customers' security gateways, for instance).
	ScannerRanges []netip.Prefix
}

// Detect classifies one request by its User-Agent and source address. It
// does not allocate.
func (d *Detector) Detect(userAgent string, ip netip.Addr) activity.Automation {
	ip = ip.Unmap()
	var buf [512]byte // User-Agents are short; a longer one is judged by its start
	ua := lowerUA(buf[:], userAgent)
	switch {
	case containsLower(ua, "googleimageproxy") || containsLower(ua, "ggpht.com"):
		return activity.AutomationGoogleProxy
	case containsLower(ua, "yahoomailproxy"):
		return activity.AutomationYahooProxy
	case userAgent == "Mozilla/5.0" || isAppleNet(ip) || inPrefixes(d.apple(), ip):
		return activity.AutomationAppleMPP
	case userAgent == "" || inPrefixes(d.scanners(), ip):
		return activity.AutomationScanner
	}
	for i := 0; i < scannerTokenCount; i++ {
		if containsLower(ua, scannerToken(i)) {
			return activity.AutomationScanner
		}
	}
	return activity.AutomationNone
}

func (d *Detector) apple() []netip.Prefix {
	if d == nil {
		return nil
	}
	return d.AppleRanges
}

func (d *Detector) scanners() []netip.Prefix {
	if d == nil {
		return nil
	}
	return d.ScannerRanges
}

func inPrefixes(ps []netip.Prefix, ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// isAppleNet reports whether ip is in 17.0.0.0/8, Apple's own block
// (ARIN APPLE-WWNET), from which MPP fetches have been observed.
func isAppleNet(ip netip.Addr) bool {
	return ip.Is4() && ip.As4()[0] == 17
}
