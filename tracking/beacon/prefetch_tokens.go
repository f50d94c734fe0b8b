package beacon

import "bytes"

// scannerToken returns the i-th lower-case User-Agent fragment that marks a link scanner, previewer or script. The
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
		return "barracuda"
	case 1:
		return "mimecast"
	case 2:
		return "proofpoint"
	case 3:
		return "urldefense"
	case 4:
		return "bingpreview"
	case 5:
		return "microsoft office existence discovery"
	case 6:
		return "ms-office"
	case 7:
		return "safelinks"
	case 8:
		return "ironport"
	case 9:
		return "messagelabs"
	case 10:
		return "symantec"
	case 11:
		return "trend micro"
	case 12:
		return "sophos"
	case 13:
		return "forcepoint"
	case 14:
		return "fireeye"
	case 15:
		return "headlesschrome"
	case 16:
		return "python-requests"
	case 17:
		return "go-http-client"
	case 18:
		return "curl/"
	case 19:
		return "wget"
	case 20:
		return "bot"
	case 21:
		return "spider"
	case 22:
		return "crawler"
	case 23:
		return "facebookexternalhit"
	case 24:
		return "slack"
	case 25:
		return "whatsapp"
	case 26:
		return "scanner"
	}
	return ""
}

const scannerTokenCount = 27

// lowerUA copies up to len(buf) bytes of ua into buf, ASCII-lower-cased.
func lowerUA(buf []byte, ua string) []byte {
	n := copy(buf, ua)
	for i, c := range buf[:n] {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return buf[:n]
}

// containsLower reports whether b contains sub, without allocating.
func containsLower(b []byte, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], sub[0])
		if j < 0 {
			return false
		}
		i += j
		if i+len(sub) <= len(b) && string(b[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains sub, ASCII case-insensitively,
// without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := sub[0] | 0x20
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 == first && equalFoldASCII(s[i:i+n], sub) {
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
