package beacon

import (
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
)

// Stamp adds the campaign of m's tracking plan to rec (built by
// [provider.RecordOf] for m) as Meta[activity.MetaCampaign], so replies,
// bounces and complaints later classified against the record
// ([activity.EventsOf]) land in the same campaign as its opens and
// clicks. A message without a plan, or with an unreadable one, leaves
// rec as it is. Stamp returns rec, so calls compose:
//
//	rec := beacon.Stamp(provider.RecordOf(account, m, sent), m)
func Stamp(rec *provider.SentRecord, m *provider.Message) *provider.SentRecord {
	if p, ok, err := PlanOf(m); err == nil && ok && p.Campaign != "" {
		if rec.Meta == nil {
			rec.Meta = map[string]string{}
		}
		rec.Meta[activity.MetaCampaign] = p.Campaign
	}
	return rec
}
