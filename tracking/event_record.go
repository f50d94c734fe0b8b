package tracking

import "github.com/inboxkit/inboxkit/provider"

// RecordOf is [provider.RecordOf] for a message sent through [Provider]:
// the SentRecord to store in the host's SentIndex, with the campaign of
// m's tracking plan in Meta[MetaCampaign] so replies, bounces and
// complaints later classified against it ([EventsOf]) land in the same
// campaign as its opens and clicks. A message without a plan gets no Meta.
func RecordOf(account string, m *provider.Message, s *provider.Sent) *provider.SentRecord {
	rec := provider.RecordOf(account, m, s)
	if p, ok, err := PlanOf(m); err == nil && ok && p.Campaign != "" {
		rec.Meta = map[string]string{MetaCampaign: p.Campaign}
	}
	return rec
}
