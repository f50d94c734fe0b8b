package bounce

import "strings"

// listAdminSuffixes and listAdminPrefixes mark the administrative
// addresses of mailing lists (Mailman, LISTSERV, Sympa, ezmlm) and mail
// gateways (Lotus Domino, GroupWise): they appear in a list's or a
// gateway's notice as its sender or as a contact, never as the member
// whose delivery failed.
var (
	listAdminSuffixes = [...]string{"-owner", "-bounces", "-bounce", "-request", "-admin", "-errors", "-approval",
		"-confirm", "-help", "-moderator", "-return"}
	listAdminPrefixes = [...]string{"owner-", "bounce-", "bounces-", "admin-"}
	listAdminLocals   = [...]string{"listserv", "majordomo", "mailman", "sympa", "ezmlm", "listmaster", "gwia",
		"gw-admin", "notes-admin", "domino", "admin", "administrator", "help", "helpdesk", "support", "it-support"}
)

// isListAdmin reports whether a is a mailing list's or a gateway's own
// administrative address.
func isListAdmin(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 {
		return false
	}
	local := a[:at]
	for _, s := range listAdminSuffixes {
		if strings.HasSuffix(local, s) && len(local) > len(s) {
			return true
		}
	}
	for _, p := range listAdminPrefixes {
		if strings.HasPrefix(local, p) && len(local) > len(p) {
			return true
		}
	}
	return contains(listAdminLocals[:], local)
}

// listOf returns the list address an administrative address belongs to
// ("team-bounces@lists.example.org" → "team@lists.example.org"), or "".
func listOf(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 {
		return ""
	}
	local, domain := a[:at], a[at:]
	for _, s := range listAdminSuffixes {
		if strings.HasSuffix(local, s) && len(local) > len(s) {
			return local[:len(local)-len(s)] + domain
		}
	}
	for _, p := range listAdminPrefixes {
		if strings.HasPrefix(local, p) && len(local) > len(p) {
			return local[len(p):] + domain
		}
	}
	return ""
}

// expandedLists returns the list addresses a notice names as expanded
// ("expanded from team@lists.example.org"): the list we posted to, not
// a member whose delivery failed.
func expandedLists(text string) []string {
	if len(text) > 16<<10 {
		text = text[:16<<10] // the transcript's head names the expansion
	}
	var out []string
	for off := 0; off < len(text) && len(out) < 8; {
		i := indexFold(text[off:], "expanded from")
		if i < 0 {
			break
		}
		start := off + i + len("expanded from")
		end := min(len(text), start+200)
		if as := FindAddresses(text[start:end]); len(as) > 0 {
			out = append(out, as[0])
		}
		off = start
	}
	return out
}

// listAddresses are the addresses of the list a notice comes from (its
// sender is the list's bounce or owner address) and the lists it says it
// expanded: they are the failed recipient only when no member is named.
func listAddresses(from, text string) []string {
	var out []string
	for _, a := range FindAddresses(from) {
		if l := listOf(a); l != "" {
			out = append(out, l)
		}
	}
	return append(out, expandedLists(text)...)
}
