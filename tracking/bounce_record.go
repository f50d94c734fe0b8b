package tracking

import (
	"strings"

	"github.com/inboxkit/inboxkit/internal/bounce"
	"github.com/inboxkit/inboxkit/internal/mailparse"
	"github.com/inboxkit/inboxkit/provider"
)

// mapToRecord reports each failed recipient as the address of rec it
// stands for, when the report names another that the returned copy of
// our message does not show either (a forwarding or an alias rewrote
// it): rec's only recipient when the report names only one, else the one
// that shares the local part, else the one that shares the domain. An
// address rec lists is kept; two failures that would map to the same
// address are both left as reported.
func mapToRecord(res *Result, rec *provider.SentRecord, m *mailparse.Message) {
	if rec == nil || len(rec.Recipients) == 0 {
		return
	}
	mapped := make([]string, len(res.Recipients))
	count := map[string]int{}
	for i := range res.Recipients {
		r := &res.Recipients[i]
		if r.Address == "" || recordHas(rec, r.Address) || bounce.InOriginalRecipients(m.Originals, r.Address) ||
			bounce.QuotedToHas(m.RawBody, r.Address) {
			continue
		}
		switch {
		case r.ReportedAddress != "" && recordHas(rec, r.ReportedAddress):
			mapped[i] = strings.ToLower(r.ReportedAddress)
		case len(rec.Recipients) == 1 && len(res.Recipients) == 1:
			mapped[i] = strings.ToLower(rec.Recipients[0])
		default:
			mapped[i] = recordMatch(rec, r.Address)
		}
		if mapped[i] != "" {
			count[mapped[i]]++
		}
	}
	for i, m := range mapped {
		if m == "" || count[m] > 1 {
			continue
		}
		r := &res.Recipients[i]
		if r.ReportedAddress == "" || r.ReportedAddress == m {
			r.ReportedAddress = r.Address
		}
		r.Address = m
	}
}

func recordHas(rec *provider.SentRecord, addr string) bool {
	for _, a := range rec.Recipients {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}

// recordMatch returns the one recipient of rec that addr stands for, or
// "" when that cannot be told.
func recordMatch(rec *provider.SentRecord, addr string) string {
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, part := range [...]func(l, d string) bool{
		func(l, _ string) bool { return l == local },
		func(_, d string) bool { return d == domain },
	} {
		found := ""
		for _, a := range rec.Recipients {
			l, d, _ := strings.Cut(strings.ToLower(a), "@")
			if part(l, d) {
				if found != "" {
					found = "-"
					break
				}
				found = strings.ToLower(a)
			}
		}
		if found != "" && found != "-" {
			return found
		}
	}
	return ""
}
