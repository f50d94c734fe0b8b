package beacon

import (
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// TrackHeader is the message header that opts one message into tracking.
// [Instrumented] reads it, removes it and never lets it reach the wire. Set it
// with [Track] rather than by hand.
//
// Its value is a space-separated list of "open", "click", "unsubscribe"
// and "campaign=KEY" (KEY query-escaped).
const TrackHeader = "X-Inboxkit-Track"

// Plan says what to track in one message.
type Plan struct {
	Open        bool   // add the open pixel to the HTML part
	Click       bool   // rewrite http(s) links of the HTML part
	Unsubscribe bool   // add RFC 8058 List-Unsubscribe headers (and fill UnsubscribePlaceholder)
	Campaign    string // the host's campaign key, carried in every event (at most 128 bytes)
}

// All tracks opens, clicks and unsubscribes under campaign.
func All(campaign string) Plan {
	return Plan{Open: true, Click: true, Unsubscribe: true, Campaign: campaign}
}

// Track opts m into tracking as p says, replacing any earlier plan. A
// message without a plan is sent untouched by [Instrumented].
func Track(m *provider.Message, p Plan) error {
	if len(p.Campaign) > maxCampaignLen {
		return providerkit.Invalid("Headers", "tracking campaign longer than 128 bytes")
	}
	var b strings.Builder
	for _, f := range []struct {
		on   bool
		name string
	}{{p.Open, "open"}, {p.Click, "click"}, {p.Unsubscribe, "unsubscribe"}} {
		if f.on {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f.name)
		}
	}
	if p.Campaign != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("campaign=" + url.QueryEscape(p.Campaign))
	}
	m.Headers = withoutTrackHeader(m.Headers)
	m.Headers = append(m.Headers, provider.Header{Name: TrackHeader, Value: b.String()})
	return nil
}

// PlanOf reads m's tracking plan. ok is false when m has none. A
// malformed value is an ErrInvalid error naming the header.
func PlanOf(m *provider.Message) (p Plan, ok bool, err error) {
	for _, h := range m.Headers {
		if !strings.EqualFold(h.Name, TrackHeader) {
			continue
		}
		if ok {
			return Plan{}, false, providerkit.Invalid("Headers", TrackHeader+" given twice")
		}
		ok = true
		for _, f := range strings.Fields(h.Value) {
			switch k, v, _ := strings.Cut(f, "="); strings.ToLower(k) {
			case "open":
				p.Open = true
			case "click":
				p.Click = true
			case "unsubscribe":
				p.Unsubscribe = true
			case "campaign":
				c, err := url.QueryUnescape(v)
				if err != nil || len(c) > maxCampaignLen {
					return Plan{}, false, providerkit.Invalid("Headers", TrackHeader+": bad campaign")
				}
				p.Campaign = c
			default:
				return Plan{}, false, providerkit.Invalid("Headers", TrackHeader+": unknown item "+strconv.Quote(k))
			}
		}
	}
	return p, ok, nil
}

// withoutTrackHeader returns hs without TrackHeader, as a new slice.
func withoutTrackHeader(hs []provider.Header) []provider.Header {
	out := make([]provider.Header, 0, len(hs)+3)
	for _, h := range hs {
		if textproto.CanonicalMIMEHeaderKey(h.Name) != TrackHeader {
			out = append(out, h)
		}
	}
	return out
}
