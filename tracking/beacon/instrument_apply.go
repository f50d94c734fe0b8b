package beacon

import (
	"net/url"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// instrument builds the outgoing copy of m.
func (p *Instrumented) instrument(m *provider.Message) (*provider.Message, Plan, error) {
	if m == nil {
		return nil, Plan{}, providerkit.Invalid("Message", "is nil")
	}
	plan, ok, err := PlanOf(m)
	if err != nil {
		return nil, Plan{}, err
	}
	out := *m
	out.Headers = withoutTrackHeader(m.Headers)
	if !ok {
		return &out, plan, nil
	}
	account := p.inner.Account().Email
	providerkit.SetMessageID(account, m)
	out.MessageID = m.MessageID
	if !provider.ValidMessageID(out.MessageID) {
		return nil, Plan{}, providerkit.Invalid("MessageID", "not of the form local@domain without brackets or spaces")
	}
	claims := Claims{MessageID: out.MessageID, Account: strings.ToLower(account), Campaign: plan.Campaign}
	if rs := m.Recipients(); len(rs) == 1 {
		claims.Recipient = strings.ToLower(rs[0].Email)
	}
	now := p.opts.Now()
	unsub := ""
	if plan.Unsubscribe {
		c := claims
		c.Kind = TokenUnsubscribe
		tok, err := p.signer.Sign(c, "")
		if err != nil {
			return nil, Plan{}, providerkit.Invalid("Message", err.Error())
		}
		unsub = p.base + "/u/" + tok
		out.Headers = p.addUnsubscribeHeaders(out.Headers, unsub)
		out.Text = strings.ReplaceAll(out.Text, UnsubscribePlaceholder, unsub)
	}
	if out.HTML != "" && len(out.HTML) <= p.opts.MaxHTML && (plan.Open || plan.Click || unsub != "") {
		claims.Expires = now.Add(p.opts.TTL)
		rw := &rewriter{unsubscribe: unsub, skip: p.base + "/", maxLinks: p.opts.MaxLinks}
		if plan.Open {
			c := claims
			c.Kind = TokenOpen
			tok, err := p.signer.Sign(c, "")
			if err != nil {
				return nil, Plan{}, providerkit.Invalid("Message", err.Error())
			}
			rw.pixel = `<img src="` + p.base + "/o/" + tok + `" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">`
		}
		if plan.Click {
			c := claims
			c.Kind = TokenClick
			rw.seen = make(map[string]string)
			rw.link = func(target string) (string, bool) {
				tok, err := p.signer.Sign(c, target)
				if err != nil {
					return "", false
				}
				return p.base + "/c/" + tok + "?u=" + url.QueryEscape(target), true
			}
		}
		out.HTML = rw.rewrite(out.HTML)
	}
	return &out, plan, nil
}

// addUnsubscribeHeaders adds RFC 8058 List-Unsubscribe and
// List-Unsubscribe-Post unless the host set List-Unsubscribe itself.
func (p *Instrumented) addUnsubscribeHeaders(hs []provider.Header, unsub string) []provider.Header {
	for _, h := range hs {
		if strings.EqualFold(h.Name, "List-Unsubscribe") {
			return hs
		}
	}
	v := "<" + unsub + ">"
	if p.opts.UnsubscribeMailto != "" {
		v += ", <mailto:" + p.opts.UnsubscribeMailto + "?subject=unsubscribe>"
	}
	return append(hs,
		provider.Header{Name: "List-Unsubscribe", Value: v},
		provider.Header{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
	)
}
