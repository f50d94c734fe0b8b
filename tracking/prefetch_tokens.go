package tracking

// scannerToken returns the i-th User-Agent fragment (matched
// case-insensitively) that marks a link scanner, previewer or script. The
// list is a switch rather than a package variable so it cannot be changed
// at run time.
//
// Sources: the User-Agents security gateways document or that ESPs list in
// their bot-click filtering guides (Barracuda, Mimecast, Proofpoint,
// Microsoft "BingPreview" and Office link checks, Cisco IronPort,
// Symantec MessageLabs, Trend Micro, Sophos, Forcepoint, FireEye), plus
// generic automation markers.
func scannerToken(i int) string {
	switch i {
	case 0:
		return "Barracuda"
	case 1:
		return "Mimecast"
	case 2:
		return "Proofpoint"
	case 3:
		return "urldefense"
	case 4:
		return "BingPreview"
	case 5:
		return "Microsoft Office Existence Discovery"
	case 6:
		return "ms-office"
	case 7:
		return "SafeLinks"
	case 8:
		return "IronPort"
	case 9:
		return "MessageLabs"
	case 10:
		return "Symantec"
	case 11:
		return "Trend Micro"
	case 12:
		return "Sophos"
	case 13:
		return "Forcepoint"
	case 14:
		return "FireEye"
	case 15:
		return "HeadlessChrome"
	case 16:
		return "python-requests"
	case 17:
		return "Go-http-client"
	case 18:
		return "curl/"
	case 19:
		return "Wget"
	case 20:
		return "bot"
	case 21:
		return "spider"
	case 22:
		return "crawler"
	case 23:
		return "facebookexternalhit"
	case 24:
		return "Slack"
	case 25:
		return "WhatsApp"
	case 26:
		return "scanner"
	}
	return ""
}

const scannerTokenCount = 27

// containsFold reports whether s contains sub, ASCII case-insensitively,
// without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	for i := 0; i+n <= len(s); i++ {
		if equalFoldASCII(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether a and b are equal, ASCII letters
// compared case-insensitively.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x|0x20 != y|0x20 || (x|0x20 < 'a' || x|0x20 > 'z') && x != y {
			return false
		}
	}
	return true
}
