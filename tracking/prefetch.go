package tracking

import "net/netip"

// Automation names the kind of machine that seems to have made an open or
// click request instead of the recipient. Such events are recorded and
// flagged, never dropped: a Google proxy fetch still means the message
// reached a Gmail inbox, and hosts differ in what they count.
type Automation string

// The automation flags. The empty value means the request looks like a
// person's mail client or browser.
const (
	AutomationNone Automation = ""
	// AutomationGoogleProxy: Gmail's image proxy (User-Agent contains
	// "GoogleImageProxy", served via ggpht.com). Gmail fetches through it
	// when the message is displayed, so it is usually a real open with the
	// person's IP hidden, but it is cached: later opens are not seen.
	AutomationGoogleProxy Automation = "google-image-proxy"
	// AutomationYahooProxy: Yahoo Mail's image proxy ("YahooMailProxy").
	AutomationYahooProxy Automation = "yahoo-image-proxy"
	// AutomationAppleMPP: Apple Mail Privacy Protection, which preloads
	// every remote image of every message on arrival whether or not it is
	// read. Recognised by the source address (Apple's 17.0.0.0/8 by
	// default; add the egress ranges Apple publishes for iCloud Private
	// Relay through Detector.AppleRanges) or by the bare "Mozilla/5.0"
	// User-Agent its proxies send.
	AutomationAppleMPP Automation = "apple-mpp"
	// AutomationScanner: a security gateway or link scanner that follows
	// links (and loads images) before the person does: Microsoft Defender
	// Safe Links, Barracuda, Mimecast, Proofpoint URL Defense, Cisco
	// IronPort, Symantec/Broadcom, Trend Micro, Sophos and similar; also
	// HTTP libraries, headless browsers, link previewers and requests
	// without a User-Agent.
	AutomationScanner Automation = "link-scanner"
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
func (d *Detector) Detect(userAgent string, ip netip.Addr) Automation {
	ip = ip.Unmap()
	var buf [512]byte // User-Agents are short; a longer one is judged by its start
	ua := lowerUA(buf[:], userAgent)
	switch {
	case containsLower(ua, "googleimageproxy") || containsLower(ua, "ggpht.com"):
		return AutomationGoogleProxy
	case containsLower(ua, "yahoomailproxy"):
		return AutomationYahooProxy
	case userAgent == "Mozilla/5.0" || isAppleNet(ip) || inPrefixes(d.apple(), ip):
		return AutomationAppleMPP
	case userAgent == "" || inPrefixes(d.scanners(), ip):
		return AutomationScanner
	}
	for i := 0; i < scannerTokenCount; i++ {
		if containsLower(ua, scannerToken(i)) {
			return AutomationScanner
		}
	}
	return AutomationNone
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
