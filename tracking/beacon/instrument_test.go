package beacon_test

import (
	"context"
	"errors"
	"html"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

func trackedMessage(t *testing.T, htmlBody string) *provider.Message {
	t.Helper()
	m := &provider.Message{
		To:      []provider.Address{{Name: "Ann", Email: "Ann@Example.org"}},
		Subject: "Plan",
		Text:    "Hi Ann, see https://example.org/plan\nUnsubscribe: " + beacon.UnsubscribePlaceholder + "\n",
		HTML:    htmlBody,
	}
	if err := beacon.Track(m, beacon.All("spring")); err != nil {
		t.Fatal(err)
	}
	return m
}

func headerValue(m *provider.Message, name string) (string, int) {
	v, n := "", 0
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			v, n = h.Value, n+1
		}
	}
	return v, n
}

func TestInstrumented_Send_tracked(t *testing.T) {
	r := newTrackRig(t, nil)
	body := `<html><body><p>Hi <a href="https://example.org/plan?a=1&amp;b=2">plan</a>,` +
		` <a href="mailto:me@example.com">mail</a> <a href="tel:+123">call</a> <a href="#top">top</a>` +
		` <a href="https://example.org/unsubscribe?id=7">their unsubscribe</a>` +
		` <a href="` + beacon.UnsubscribePlaceholder + `">unsubscribe</a></p></body></html>`
	m := trackedMessage(t, body)
	m.IdempotencyKey = "step-1"
	orig := *m
	sent, err := r.p.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	wantID := providerkit.MessageIDForKey("me@example.com", "step-1")
	if m.MessageID != wantID || sent.MessageID != wantID {
		t.Errorf("MessageID = %q (caller), %q (sent); want %q", m.MessageID, sent.MessageID, wantID)
	}
	if m.HTML != orig.HTML || m.Text != orig.Text || len(m.Headers) != 1 {
		t.Errorf("caller's message was modified: %+v", m)
	}
	out := r.box.last(t)
	if _, n := headerValue(out, beacon.TrackHeader); n != 0 {
		t.Errorf("%s reached the provider", beacon.TrackHeader)
	}
	lu, n := headerValue(out, "List-Unsubscribe")
	if n != 1 || !strings.HasPrefix(lu, "<"+trackBase+"/u/") || !strings.HasSuffix(lu, ">") {
		t.Errorf("List-Unsubscribe = %q (%d); want <%s/u/TOKEN>", lu, n, trackBase)
	}
	if v, _ := headerValue(out, "List-Unsubscribe-Post"); v != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", v)
	}
	unsub := strings.Trim(lu, "<>")
	if want := strings.ReplaceAll(orig.Text, beacon.UnsubscribePlaceholder, unsub); out.Text != want {
		t.Errorf("Text = %q; want %q (only the placeholder replaced)", out.Text, want)
	}
	if !strings.Contains(out.HTML, `href="`+html.EscapeString(unsub)+`"`) {
		t.Errorf("placeholder link not replaced by the unsubscribe URL:\n%s", out.HTML)
	}
	if i, j := strings.Index(out.HTML, `<img src="`+trackBase+"/o/"), strings.Index(out.HTML, "</body>"); i < 0 || i > j {
		t.Errorf("pixel not before </body>:\n%s", out.HTML)
	}
	for _, keep := range []string{`href="mailto:me@example.com"`, `href="tel:+123"`, `href="#top"`, `href="https://example.org/unsubscribe?id=7"`} {
		if !strings.Contains(out.HTML, keep) {
			t.Errorf("%s was rewritten:\n%s", keep, out.HTML)
		}
	}
	links := clickRE.FindAllStringSubmatch(out.HTML, -1)
	if len(links) != 1 {
		t.Fatalf("%d click links; want 1:\n%s", len(links), out.HTML)
	}
	if got, want := clickTargetOf(t, r, html.UnescapeString(links[0][1])), "https://example.org/plan?a=1&b=2"; got != want {
		t.Errorf("click redirects to %q; want %q", got, want)
	}
	if s, _ := r.ledger.State("ann@example.org"); s.Sent != 1 || s.Clicks != 1 {
		t.Errorf("state = %+v; want 1 sent, 1 click", s)
	}
	if got := r.ledger.Rates("spring"); got.Sent != 1 || got.Clicked != 1 {
		t.Errorf("rates = %+v", got)
	}
}

func TestInstrumented_Send_untracked(t *testing.T) {
	r := newTrackRig(t, nil)
	m := &provider.Message{
		To:   []provider.Address{{Email: "a@example.org"}, {Email: "b@example.org"}},
		HTML: `<p><a href="https://example.org/">x</a> ` + beacon.UnsubscribePlaceholder + `</p>`,
		Text: "plain",
	}
	if _, err := r.p.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := r.box.last(t)
	if out.HTML != m.HTML || out.Text != m.Text || len(out.Headers) != 0 || out.MessageID != "" {
		t.Errorf("untracked message changed: %+v", out)
	}
	for _, a := range []string{"a@example.org", "b@example.org"} {
		if s, ok := r.ledger.State(a); !ok || s.Sent != 1 {
			t.Errorf("State(%s) = %+v, %v; want one Sent", a, s, ok)
		}
	}
}

func TestInstrumented_Send_severalRecipients(t *testing.T) {
	r := newTrackRig(t, nil)
	m := trackedMessage(t, `<p>hi</p>`)
	m.Cc = []provider.Address{{Email: "bob@example.org"}}
	if _, err := r.p.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	px := pixelRE.FindStringSubmatch(r.box.last(t).HTML)
	if px == nil {
		t.Fatal("no pixel")
	}
	if w := r.do("GET", px[1], humanUA, ""); w.Code != 200 {
		t.Fatalf("pixel = %d", w.Code)
	}
	// The open cannot be attributed to Ann or Bob: neither state counts it.
	for _, a := range []string{"ann@example.org", "bob@example.org"} {
		if s, _ := r.ledger.State(a); s.Sent != 1 || s.Opens != 0 {
			t.Errorf("State(%s) = %+v; want 1 sent, 0 opens", a, s)
		}
	}
	if n := r.ledger.Len(); n != 3 {
		t.Errorf("ledger saw %d events; want 3 (2 sent, 1 open)", n)
	}
}

func TestInstrumented_Send_errors(t *testing.T) {
	t.Run("bad plan", func(t *testing.T) {
		r := newTrackRig(t, nil)
		m := &provider.Message{To: []provider.Address{{Email: "a@example.org"}}, Text: "x",
			Headers: []provider.Header{{Name: beacon.TrackHeader, Value: "open pigeon"}}}
		_, err := r.p.Send(context.Background(), m)
		if !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("err = %v; want ErrInvalid", err)
		}
		if len(r.box.sent) != 0 || r.ledger.Len() != 0 {
			t.Error("a message with a bad plan was sent")
		}
	})
	t.Run("provider fails", func(t *testing.T) {
		r := newTrackRig(t, nil)
		r.box.err = providerkit.Errorf(provider.KindSMTPIMAP, "send", provider.ErrTemporary, "down")
		_, err := r.p.Send(context.Background(), trackedMessage(t, "<p>x</p>"))
		if !errors.Is(err, provider.ErrTemporary) {
			t.Errorf("err = %v; want the provider's ErrTemporary", err)
		}
		if r.ledger.Len() != 0 {
			t.Error("a failed send recorded events")
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		r := newTrackRig(t, nil)
		r.box.dup = true
		if _, err := r.p.Send(context.Background(), trackedMessage(t, "<p>x</p>")); err != nil {
			t.Fatal(err)
		}
		if r.ledger.Len() != 0 {
			t.Error("a duplicate send recorded a second Sent")
		}
	})
	t.Run("nil message", func(t *testing.T) {
		r := newTrackRig(t, nil)
		if _, err := r.p.Send(context.Background(), nil); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("err = %v; want ErrInvalid", err)
		}
	})
}

func TestInstrumented_passThrough(t *testing.T) {
	r := newTrackRig(t, nil)
	ctx := context.Background()
	if r.p.Kind() != provider.KindSMTPIMAP || r.p.Account().Email != "me@example.com" {
		t.Errorf("Kind/Account = %v/%v", r.p.Kind(), r.p.Account())
	}
	if err := r.p.Verify(ctx); err != nil || r.box.verified != 1 {
		t.Errorf("Verify = %v, calls %d", err, r.box.verified)
	}
	if b, err := r.p.Fetch(ctx, "", nil); err != nil || b.Cursor != "c1" || r.box.fetched != 1 {
		t.Errorf("Fetch = %v, %v", b, err)
	}
	if err := r.p.Close(); err == nil || !r.box.closed {
		t.Errorf("Close = %v; want the inner error passed through", err)
	}
}

func TestInstrumented_hostListUnsubscribe(t *testing.T) {
	r := newTrackRig(t, &beacon.Options{UnsubscribeMailto: "unsub@example.com"})
	m := trackedMessage(t, "<p>x</p>")
	out, err := r.p.Instrument(m)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := headerValue(out, "List-Unsubscribe"); !strings.Contains(v, ">, <mailto:unsub@example.com?subject=unsubscribe>") {
		t.Errorf("List-Unsubscribe = %q; want the mailto alternative", v)
	}
	m.Headers = append(m.Headers, provider.Header{Name: "List-Unsubscribe", Value: "<https://host.example/u/1>"})
	out, err = r.p.Instrument(m)
	if err != nil {
		t.Fatal(err)
	}
	if v, n := headerValue(out, "List-Unsubscribe"); n != 1 || v != "<https://host.example/u/1>" {
		t.Errorf("host's List-Unsubscribe replaced: %q (%d)", v, n)
	}
	if _, n := headerValue(out, "List-Unsubscribe-Post"); n != 0 {
		t.Error("List-Unsubscribe-Post added to the host's own List-Unsubscribe")
	}
}

func TestTrack_PlanOf(t *testing.T) {
	for _, p := range []beacon.Plan{
		{},
		{Open: true},
		{Click: true, Campaign: "a b&c=d/é"},
		beacon.All("q4"),
	} {
		m := &provider.Message{Headers: []provider.Header{{Name: "X-Other", Value: "1"}}}
		if err := beacon.Track(m, p); err != nil {
			t.Fatal(err)
		}
		if err := beacon.Track(m, p); err != nil { // replaces, never doubles
			t.Fatal(err)
		}
		got, ok, err := beacon.PlanOf(m)
		if err != nil || !ok || got != p {
			t.Errorf("PlanOf(Track(%+v)) = %+v, %v, %v", p, got, ok, err)
		}
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "To") {
			// the header itself must pass provider validation; only To is missing
			t.Errorf("Validate = %v; want only the missing To", err)
		}
	}
	if err := beacon.Track(&provider.Message{}, beacon.Plan{Campaign: strings.Repeat("x", 129)}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("long campaign: err = %v", err)
	}
	for _, v := range []string{"open open2", "campaign=%zz", "open\tclick fly"} {
		m := &provider.Message{Headers: []provider.Header{{Name: beacon.TrackHeader, Value: v}}}
		if _, _, err := beacon.PlanOf(m); !errors.Is(err, provider.ErrInvalid) {
			t.Errorf("PlanOf(%q) err = %v; want ErrInvalid", v, err)
		}
	}
	twice := &provider.Message{Headers: []provider.Header{{Name: beacon.TrackHeader, Value: "open"}, {Name: "x-inboxkit-track", Value: "click"}}}
	if _, _, err := beacon.PlanOf(twice); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("two plans: err = %v", err)
	}
}

func TestWrap_errors(t *testing.T) {
	s := testSigner(t)
	for _, tc := range []struct {
		name  string
		inner provider.Provider
		s     *beacon.Signer
		opts  *beacon.Options
	}{
		{"nil options", &fakeMailbox{}, s, nil},
		{"nil inner", nil, s, &beacon.Options{BaseURL: trackBase}},
		{"nil signer", &fakeMailbox{}, nil, &beacon.Options{BaseURL: trackBase}},
		{"relative base", &fakeMailbox{}, s, &beacon.Options{BaseURL: "/t"}},
		{"ftp base", &fakeMailbox{}, s, &beacon.Options{BaseURL: "ftp://t.example.com/"}},
		{"base with query", &fakeMailbox{}, s, &beacon.Options{BaseURL: trackBase + "?x=1"}},
		{"bad mailto", &fakeMailbox{}, s, &beacon.Options{BaseURL: trackBase, UnsubscribeMailto: "not an address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := beacon.Wrap(tc.inner, tc.s, tc.opts); err == nil || !strings.HasPrefix(err.Error(), "beacon: ") {
				t.Errorf("Wrap err = %v; want a beacon: error", err)
			}
		})
	}
}

func TestInstrumented_Send_textOnly(t *testing.T) {
	r := newTrackRig(t, nil)
	m := trackedMessage(t, "")
	if _, err := r.p.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := r.box.last(t)
	lu, _ := headerValue(out, "List-Unsubscribe")
	if out.HTML != "" || lu == "" || strings.Contains(out.Text, beacon.UnsubscribePlaceholder) || !strings.Contains(out.Text, "https://example.org/plan\n") {
		t.Errorf("text-only message: HTML %q, List-Unsubscribe %q, Text %q", out.HTML, lu, out.Text)
	}
}

func TestHandler_clickEvent(t *testing.T) {
	var got []activity.Event
	h, err := beacon.NewHandler(testSigner(t), activity.SinkFunc(func(_ context.Context, e activity.Event) error {
		got = append(got, e)
		return nil
	}), &beacon.HandlerOptions{Now: func() time.Time { return trackNow }})
	if err != nil {
		t.Fatal(err)
	}
	r := &trackRig{handler: h}
	const target = "https://example.org/x?y=1"
	r.do("GET", signedURL(t, beacon.TokenClick, target, trackNow.Add(time.Hour)), humanUA, "[2001:db8::1]:443")
	want := activity.Event{Type: activity.EventClicked, At: trackNow, Account: "me@example.com", MessageID: "m1@example.com",
		Recipient: "ann@example.org", Campaign: "c", IP: netip.MustParseAddr("2001:db8::1"), UserAgent: humanUA, URL: target}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("events = %+v; want %+v", got, want)
	}
}

func TestStamp(t *testing.T) {
	r := newTrackRig(t, nil)
	m := trackedMessage(t, "<p>x</p>")
	sent, err := r.p.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	rec := beacon.Stamp(provider.RecordOf("me@example.com", m, sent), m)
	if rec.MessageID != sent.MessageID || rec.Meta[activity.MetaCampaign] != "spring" || len(rec.Recipients) != 1 {
		t.Errorf("Stamp = %+v", rec)
	}
	plain := &provider.Message{To: []provider.Address{{Email: "a@example.org"}}, Text: "x"}
	if rec := beacon.Stamp(provider.RecordOf("me@example.com", plain, sent), plain); rec.Meta != nil {
		t.Errorf("untracked Stamp Meta = %v; want nil", rec.Meta)
	}
}
