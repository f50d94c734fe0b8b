package tracking

import (
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"github.com/inboxkit/inboxkit/internal/mailparse"
)

// isListMail reports whether a message is a mailing-list or bulk post,
// which is never an auto-reply.
func isListMail(h textproto.Header) bool {
	if h.Get("List-Id") != "" || h.Get("List-Post") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "list", "bulk", "junk":
		return true
	}
	return false
}

// returnDate reads the date an auto-reply says its sender is back, from
// phrases such as "until 2024-05-05", "back on 5 May 2024" or "bis
// 05.05.2024". ref supplies the year when the text gives none.
func returnDate(text string, ref time.Time) time.Time {
	low := strings.ToLower(text)
	if len(low) > 8<<10 {
		low = low[:8<<10]
	}
	for _, kw := range [...]string{"until ", "back on ", "return on ", "returning on ", "back ", "bis ", "zurück am ",
		"retour le ", "de retour le ", "hasta el ", "fino al ", "tot ", "till ", "do ", "até "} {
		for off := 0; off < len(low); {
			i := strings.Index(low[off:], kw)
			if i < 0 {
				break
			}
			start := off + i + len(kw)
			if t, ok := parseLooseDate(low[start:min(len(low), start+40)], ref); ok {
				return t
			}
			off = start
		}
	}
	return time.Time{}
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseLooseDate reads an ISO (2024-05-05), dotted European
// (05.05.2024) or English month-name date (May 5, 2024 / 5 May 2024)
// at the start of s.
func parseLooseDate(s string, ref time.Time) (time.Time, bool) {
	s = strings.TrimLeft(s, " the")
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '-' || r == '/' })
	if len(fields) == 0 {
		return time.Time{}, false
	}
	num := func(f string) int {
		f = strings.TrimRight(f, "stndrh")
		n := 0
		for _, c := range f {
			if c < '0' || c > '9' || n > 9999 {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		if f == "" {
			return -1
		}
		return n
	}
	month := func(f string) int {
		for i, m := range monthNames {
			if len(f) >= 3 && strings.HasPrefix(f, m) {
				return i + 1
			}
		}
		return 0
	}
	year := ref.Year()
	if year < 1971 {
		year = time.Now().Year()
	}
	var y, mo, d int
	switch {
	case len(fields) >= 3 && num(fields[0]) > 1900 && strings.Contains(s[:min(len(s), 10)], "-"):
		y, mo, d = num(fields[0]), num(fields[1]), num(fields[2])
	case len(fields) >= 3 && num(fields[0]) > 0 && num(fields[1]) > 0 && num(fields[2]) > 1900 && strings.Contains(s[:min(len(s), 6)], "."):
		d, mo, y = num(fields[0]), num(fields[1]), num(fields[2])
	case month(fields[0]) > 0 && len(fields) >= 2 && num(fields[1]) > 0:
		mo, d, y = month(fields[0]), num(fields[1]), year
		if len(fields) >= 3 && num(fields[2]) > 1900 {
			y = num(fields[2])
		}
	case num(fields[0]) > 0 && len(fields) >= 2 && month(fields[1]) > 0:
		d, mo, y = num(fields[0]), month(fields[1]), year
		if len(fields) >= 3 && num(fields[2]) > 1900 {
			y = num(fields[2])
		}
	default:
		return time.Time{}, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1971 || y > 9999 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
}

// messageDate is the Date header, or the zero time.
func messageDate(m *mailparse.Message) time.Time {
	t, err := mail.ParseDate(m.Header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}
