package smtpimap

import (
	"context"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/pop3"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
)

// Bounds on one POP3 Fetch. A maildrop of any length is read in slices:
// each Fetch reads at most pop3ScanLimit headers and pop3BodyLimit whole
// messages (and at most pop3ByteBudget bytes of them), and returns a
// cursor to continue.
const (
	pop3ScanLimit  = 500
	pop3BodyLimit  = 50
	pop3ByteBudget = 64 << 20
	pop3MaxHeader  = 1 << 20
	// pop3Probes is how many messages one round trip of the date search
	// looks at: a maildrop of 10,000 is searched in four round trips.
	pop3Probes = 16
	// pop3SearchTrips bounds the date search.
	pop3SearchTrips = 8
	// pop3Skew is how much earlier than the newest handled message a
	// message may have arrived and still be placed after it: the topmost
	// Received field is written by the server that files the message, so
	// its order and the maildrop's differ by seconds at most (concurrent
	// deliveries). A resync returns such messages again.
	pop3Skew = 2 * time.Minute
	// pop3ResyncSlack is how far before the mark a resync starts reading.
	pop3ResyncSlack = time.Hour
	// pop3Folder is the Folder of every message read over POP3: POP3
	// reads the INBOX only.
	pop3Folder = "INBOX"
)

// fetchPOP3 is Fetch over POP3. See the package docs, "Receiving over
// POP3", for how the cursor finds its place again and where it cannot be
// exact.
func (p *Provider) fetchPOP3(ctx context.Context, cursorText string, idx provider.SentIndex) (*provider.Batch, error) {
	cur, initial, err := parsePOP3Cursor(cursorText)
	if err != nil {
		return nil, err
	}
	c, err := p.dialPOP3(ctx)
	if err != nil {
		return nil, err
	}
	f := &pop3Fetch{p: p, c: c, idx: idx, cur: cur}
	defer func() { quitPOP3(ctx, f.c) }() // f.c: download may have dialled again
	batch, err := f.run(ctx, initial)
	if err != nil {
		return nil, wrapPOP3("fetch", err)
	}
	return batch, nil
}

// pop3Fetch is one Fetch's state.
type pop3Fetch struct {
	p   *Provider
	c   *pop3.Client
	idx provider.SentIndex
	cur pop3Cursor
	n   int             // messages in this session's maildrop
	old map[string]bool // unique-ids handled before a re-anchor
}

func (f *pop3Fetch) run(ctx context.Context, initial bool) (*provider.Batch, error) {
	start, err := f.place(ctx, initial)
	if err != nil {
		return nil, err
	}
	if start > f.n {
		if err := f.fillWindow(ctx); err != nil {
			return nil, err
		}
		return &provider.Batch{Cursor: f.cur.String()}, nil
	}
	return f.scan(ctx, start, min(f.n, start+pop3ScanLimit-1))
}

// fillWindow reads the unique-ids that end at Pos when the cursor has
// none (a look-back or resync that found nothing new), so that the next
// Fetch can check its place.
func (f *pop3Fetch) fillWindow(ctx context.Context) error {
	if f.cur.Pos == 0 || len(f.cur.Window) > 0 {
		return nil
	}
	var cmds []pop3.Cmd
	for i := max(1, f.cur.Pos-pop3Window+1); i <= f.cur.Pos; i++ {
		cmds = append(cmds, pop3.UIDLCmd(i))
	}
	replies, err := f.c.Pipeline(ctx, cmds)
	if err != nil {
		return err
	}
	for _, r := range replies {
		if r.Err != nil {
			return r.Err
		}
		_, id, err := pop3.ParseScanLine(r.Text)
		if err != nil {
			return err
		}
		f.cur.Window = append(f.cur.Window, pop3Seen{UIDL: uidlKey(id)})
	}
	if f.cur.Pos >= f.n {
		f.cur.Resync, f.cur.ResyncIDs = 0, nil
	}
	return nil
}

// noUIDL turns a lasting refusal of UIDL (optional in RFC 1939) into
// ErrInvalid on Config.POP3: receiving over POP3 needs unique-ids.
func noUIDL(err error) error {
	var pe *pop3.Error
	if !errors.As(err, &pe) || pe.Temporary() {
		return err
	}
	e := providerkit.Invalid("POP3", "the server does not support UIDL, which receiving over POP3 needs")
	e.Err = errors.Join(e.Err, err)
	return e
}

func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// place finds the first message to read. The common case costs one round
// trip: STAT, with UIDL and TOP of the cursor's last message pipelined, to
// check that message is still where it was. It may rewrite f.cur (the
// window re-anchored, a resync begun) to describe the same handled set in
// this session's numbering.
func (f *pop3Fetch) place(ctx context.Context, initial bool) (int, error) {
	cmds := []pop3.Cmd{pop3.StatCmd()}
	last, hasLast := f.cur.last()
	if !initial && hasLast {
		cmds = append(cmds, pop3.UIDLCmd(f.cur.Pos))
		if last.ID != "" {
			cmds = append(cmds, pop3.TopCmd(f.cur.Pos, 0))
		}
	}
	replies, err := f.c.Pipeline(ctx, cmds)
	if err != nil {
		return 0, err
	}
	if replies[0].Err != nil {
		return 0, replies[0].Err
	}
	if f.n, _, err = pop3.ParseStat(replies[0].Text); err != nil {
		return 0, err
	}
	switch {
	case initial:
		// First Fetch: everything that arrived within the look-back.
		since := f.p.now().Add(-f.p.lookback()).Unix()
		f.cur = pop3Cursor{Mark: since}
		return f.firstArrivedSince(ctx, since)
	case !hasLast:
		// Nothing handled yet (the maildrop was empty): all is new.
		f.cur.Pos = 0
		return 1, nil
	}
	if replies[1].Err == nil {
		_, uidl, _ := pop3.ParseScanLine(replies[1].Text)
		if uidlKey(uidl) == last.UIDL && (last.ID == "" || replies[2].Err == nil && digestOfHeader(replies[2].Body) == last.ID) {
			return f.cur.Pos + 1, nil
		}
	}
	return f.reanchor(ctx)
}

// reanchor runs when the cursor's last message is not where it was:
// another client deleted mail before it, or deleted it. The full UIDL
// listing (one round trip, ~30 bytes a message) finds the newest window
// entry still present; messages after it that are not in the window are
// new. When no entry is left (or a unique-id now names another message),
// it falls back to the arrival-time resync.
func (f *pop3Fetch) reanchor(ctx context.Context) (int, error) {
	ids, err := f.c.UIDLAll(ctx)
	if err != nil {
		return 0, noUIDL(err)
	}
	for i, id := range ids {
		ids[i] = uidlKey(id)
	}
	pos := map[string]int{}
	for i, id := range ids {
		if _, dup := pos[id]; !dup {
			pos[id] = i + 1
		}
	}
	for w := len(f.cur.Window) - 1; w >= 0; w-- {
		entry := f.cur.Window[w]
		q, ok := pos[entry.UIDL]
		if !ok {
			continue
		}
		if entry.ID != "" {
			head, err := f.c.Top(ctx, q, 0)
			if err != nil || digestOfHeader(head) != entry.ID {
				var pe *pop3.Error
				var tl *pop3.TooLargeError
				switch {
				case errors.As(err, &tl):
					if err := f.redial(ctx); err != nil {
						return 0, err
					}
				case err != nil && !errors.As(err, &pe):
					return 0, err
				}
				break // a reused unique-id: the maildrop was rebuilt
			}
		}
		// Re-anchor: the window becomes the ids up to q in this session,
		// keeping what is known of them.
		window := make([]pop3Seen, 0, pop3Window)
		for i := max(1, q-pop3Window+1); i <= q; i++ {
			window = append(window, pop3Seen{UIDL: ids[i-1], ID: f.cur.digestOf(ids[i-1])})
		}
		f.old = map[string]bool{}
		for _, s := range f.cur.Window {
			f.old[s.UIDL] = true
		}
		f.cur.Pos, f.cur.Window = q, window
		return q + 1, nil
	}
	// Lost our place: resync by arrival time.
	f.cur.Resync = max(f.cur.Mark, f.cur.Resync)
	f.cur.ResyncIDs = f.cur.ResyncIDs[:0]
	for _, s := range f.cur.Window {
		if s.ID != "" {
			f.cur.ResyncIDs = append(f.cur.ResyncIDs, s.ID)
		}
	}
	from := f.cur.Resync
	if from != 0 {
		from -= int64(pop3ResyncSlack.Seconds())
	}
	f.cur.Pos, f.cur.Window = 0, nil
	return f.firstArrivedSince(ctx, from)
}

// firstArrivedSince finds the first message that arrived at or after
// since (unix seconds) by a pop3Probes-way search over TOP n 0, assuming
// the maildrop is in arrival order, as servers keep it. A message whose
// arrival time cannot be read counts as recent, so the search errs
// towards reading more. It leaves f.cur.Pos just before the result.
func (f *pop3Fetch) firstArrivedSince(ctx context.Context, since int64) (int, error) {
	lo, hi := 1, f.n+1 // the answer is in [lo, hi]
	for trip := 0; lo < hi && trip < pop3SearchTrips; trip++ {
		span := hi - lo
		k := min(pop3Probes, span)
		probes := make([]int, 0, k)
		cmds := make([]pop3.Cmd, 0, k)
		for j := 1; j <= k; j++ {
			n := lo + (span*j)/k - 1
			if len(probes) > 0 && probes[len(probes)-1] == n {
				continue
			}
			probes = append(probes, n)
			cmds = append(cmds, pop3.TopCmd(n, 0))
		}
		replies, err := f.c.Pipeline(ctx, cmds)
		if err != nil {
			// A header over the cap counts as recent (read more, not
			// less); the session it broke is replaced.
			var tl *pop3.TooLargeError
			if !errors.As(err, &tl) {
				return 0, err
			}
			if err := f.redial(ctx); err != nil {
				return 0, err
			}
			replies = append(replies, pop3.Reply{Err: err})
		}
		newLo, newHi := lo, hi
		for j, r := range replies {
			t := int64(0)
			if r.Err == nil {
				t = arrivalTime(relate.Header(r.Body))
			}
			if t == 0 || t >= since {
				newHi = probes[j]
				break
			}
			newLo = probes[j] + 1
		}
		lo, hi = newLo, newHi
	}
	f.cur.Pos = lo - 1
	return lo, nil
}

// redial replaces a session broken by a reply over its cap. The new
// session may number messages differently if another client deleted mail
// in between: downloads check each number's unique-id, and the search and
// resync only steer where reading starts.
func (f *pop3Fetch) redial(ctx context.Context) error {
	quitPOP3(ctx, f.c)
	c, err := f.p.dialPOP3(ctx)
	if err != nil {
		return err
	}
	f.c = c
	n, _, err := c.Stat(ctx)
	if err != nil {
		return err
	}
	f.n = min(f.n, n)
	return nil
}

// arrivalTime reads when a message arrived: the date of the topmost
// Received field (the last hop, the receiving server), else the Date
// field; 0 when neither parses.
func arrivalTime(h textproto.MIMEHeader) int64 {
	for _, rcvd := range h.Values("Received") {
		if i := strings.LastIndexByte(rcvd, ';'); i >= 0 {
			if t, err := mail.ParseDate(strings.TrimSpace(rcvd[i+1:])); err == nil {
				return t.Unix()
			}
		}
		break
	}
	if t, err := mail.ParseDate(h.Get("Date")); err == nil {
		return t.Unix()
	}
	return 0
}

func digestOfHeader(head []byte) string {
	return idDigest(providerkit.TrimMessageID(relate.Header(head).Get("Message-Id")))
}
