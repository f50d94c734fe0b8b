package activity

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
