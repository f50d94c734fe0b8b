package smtpimap

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/internal/pop3"
	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/internal/relate"
	"github.com/inboxkit/inboxkit/provider"
)

// pop3Msg is one message of a scan.
type pop3Msg struct {
	n       int
	uidl    string
	size    int64 // as LIST says
	arrival int64
	digest  string
	verdict relate.Verdict
	hit     bool   // related, or a candidate to settle from the body
	skip    string // why it is moved past unread, when it is
}

// scan reads messages start..end: UIDL, LIST and TOP n 0 of each in
// pipelined batches (plus the unique-ids before start, for the window),
// judges each header with relate, downloads the related messages and the
// candidates with RETR within the bounds, and returns them with the cursor
// after the last message it is done with.
func (f *pop3Fetch) scan(ctx context.Context, start, end int) (*provider.Batch, error) {
	from := max(1, start-pop3Window)
	cmds := make([]pop3.Cmd, 0, start-from+3*(end-start+1))
	for i := from; i < start; i++ {
		cmds = append(cmds, pop3.UIDLCmd(i))
	}
	for i := start; i <= end; i++ {
		cmds = append(cmds, pop3.UIDLCmd(i), pop3.ListCmd(i), pop3.TopCmd(i, 0))
	}
	replies, perr := f.c.Pipeline(ctx, cmds)
	uidls := make(map[int]string, end-from+1)
	k := 0
	for i := from; i < start && k < len(replies); i, k = i+1, k+1 {
		if replies[k].Err == nil {
			if _, id, err := pop3.ParseScanLine(replies[k].Text); err == nil {
				uidls[i] = uidlKey(id)
			}
		}
	}
	msgs, err := f.judge(ctx, replies[k:], start, end, perr, uidls)
	if err != nil {
		return nil, err
	}
	cut := start - 1 + len(msgs) // the last message done with
	var tl *pop3.TooLargeError
	if perr != nil && !errors.As(perr, &tl) && len(msgs) == 0 {
		return nil, perr
	}

	// Pick the downloads in order, within the bounds.
	var want []*pop3Msg
	var budget int64
	var skipped []provider.Skipped
	for i := range msgs {
		m := &msgs[i]
		if !m.hit {
			continue
		}
		if m.size > MaxMessageSize {
			m.hit, m.skip = false, fmt.Sprintf("larger than the %d MiB cap (the server says %d bytes)", MaxMessageSize>>20, m.size)
			continue
		}
		if len(want) == pop3BodyLimit || len(want) > 0 && budget+m.size > pop3ByteBudget {
			cut = m.n - 1
			break
		}
		want = append(want, m)
		budget += m.size
	}
	out, cut, err := f.download(ctx, want, cut, perr != nil)
	if err != nil && cut < start {
		return nil, err
	}
	for i := range msgs {
		if msgs[i].n <= cut && msgs[i].skip != "" {
			skipped = append(skipped, provider.Skipped{ProviderID: msgs[i].uidl, Folder: pop3Folder, Reason: msgs[i].skip})
		}
	}
	f.advance(msgs, uidls, cut)
	return &provider.Batch{Messages: out, Skipped: skipped, Cursor: f.cur.String(), More: cut < f.n}, nil
}

// judge turns the scan replies into messages, in order, stopping at the
// first one that could not be read whole. A header over the cap is moved
// past (reported as skipped); so is a message the server refuses for
// good. A SentIndex error stops the scan before the message.
func (f *pop3Fetch) judge(ctx context.Context, replies []pop3.Reply, start, end int, perr error, uidls map[int]string) ([]pop3Msg, error) {
	var msgs []pop3Msg
	var tl *pop3.TooLargeError
	for i, k := start, 0; i <= end; i, k = i+1, k+3 {
		if k+3 > len(replies) {
			if k+2 == len(replies) && errors.As(perr, &tl) && replies[k].Err == nil {
				_, uidl, _ := pop3.ParseScanLine(replies[k].Text)
				uidls[i] = uidlKey(uidl)
				msgs = append(msgs, pop3Msg{n: i, uidl: uidl, skip: fmt.Sprintf("header larger than %d KiB", pop3MaxHeader>>10)})
			}
			break
		}
		uidR, listR, topR := replies[k], replies[k+1], replies[k+2]
		m := pop3Msg{n: i}
		if uidR.Err != nil {
			return msgs, temporaryOr(noUIDL(uidR.Err), len(msgs))
		}
		_, m.uidl, _ = pop3.ParseScanLine(uidR.Text)
		uidls[i] = uidlKey(m.uidl)
		if listR.Err == nil {
			m.size, _ = pop3.ParseSize(listR.Text)
		}
		if topR.Err != nil {
			var pe *pop3.Error
			if errors.As(topR.Err, &pe) && pe.Temporary() {
				return msgs, temporaryOr(topR.Err, len(msgs))
			}
			m.skip = "the server refused to read it: " + topR.Err.Error()
			msgs = append(msgs, m)
			continue
		}
		h := relate.Header(topR.Body)
		m.arrival = arrivalTime(h)
		m.digest = idDigest(providerkit.TrimMessageID(h.Get("Message-Id")))
		if !f.old[uidlKey(m.uidl)] && !f.cur.seenBefore(m.arrival, m.digest) {
			v, err := relate.Match(ctx, h, f.idx, "", "")
			if err != nil {
				return msgs, temporaryOr(err, len(msgs))
			}
			m.verdict, m.hit = v, v.Download()
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// temporaryOr returns err when nothing was read yet (the Fetch fails) and
// nil otherwise (the Fetch returns what it has and stops before).
func temporaryOr(err error, done int) error {
	if done == 0 {
		return err
	}
	return nil
}

// download RETRs the wanted messages, each with its UIDL in the same
// pipeline to prove the number still names it (a new session after a
// broken one may number differently), and settles the candidates. It
// returns the cursor position it reached: a message over the cap (the
// server's LIST lied) is reported and moved past, and a failure stops
// before the message it hit.
func (f *pop3Fetch) download(ctx context.Context, want []*pop3Msg, cut int, broken bool) ([]provider.Incoming, int, error) {
	if len(want) == 0 {
		return nil, cut, nil
	}
	if broken {
		if err := f.redial(ctx); err != nil {
			return nil, want[0].n - 1, err
		}
	}
	cmds := make([]pop3.Cmd, 0, 2*len(want))
	for _, m := range want {
		cmds = append(cmds, pop3.UIDLCmd(m.n), pop3.RetrCmd(m.n))
	}
	replies, perr := f.c.Pipeline(ctx, cmds)
	var out []provider.Incoming
	for j, m := range want {
		if 2*j+1 >= len(replies) {
			var tl *pop3.TooLargeError
			if 2*j+1 == len(replies) && errors.As(perr, &tl) {
				m.skip = fmt.Sprintf("larger than the %d MiB cap (the server said %d bytes)", MaxMessageSize>>20, m.size)
				return out, m.n, nil
			}
			return out, m.n - 1, perr
		}
		uidR, retrR := replies[2*j], replies[2*j+1]
		if uidR.Err != nil {
			return out, m.n - 1, uidR.Err
		}
		if _, uidl, _ := pop3.ParseScanLine(uidR.Text); uidl != m.uidl {
			return out, m.n - 1, errors.New("smtpimap: the POP3 maildrop changed between sessions")
		}
		if retrR.Err != nil {
			var pe *pop3.Error
			if errors.As(retrR.Err, &pe) && pe.Temporary() {
				return out, m.n - 1, retrR.Err
			}
			m.skip = "the server refused to read it: " + retrR.Err.Error()
			continue
		}
		rec, matchedBy, err := relate.Settle(ctx, retrR.Body, m.verdict, f.idx)
		if err != nil {
			return out, m.n - 1, err
		}
		if rec == nil {
			continue // a bounce or auto-reply, but not about our mail
		}
		in := provider.Incoming{Raw: retrR.Body, ProviderID: m.uidl, Folder: pop3Folder, Record: rec, MatchedBy: matchedBy}
		if m.arrival != 0 {
			in.ReceivedAt = unixTime(m.arrival)
		}
		out = append(out, in)
	}
	return out, cut, nil
}

// advance moves the cursor to cut: the window becomes the unique-ids up
// to it, the mark the newest arrival handled, and a resync ends once the
// whole maildrop has been read.
func (f *pop3Fetch) advance(msgs []pop3Msg, uidls map[int]string, cut int) {
	digests := map[string]string{}
	for _, s := range f.cur.Window {
		digests[s.UIDL] = s.ID
	}
	for _, m := range msgs {
		if m.n > cut {
			break
		}
		digests[uidlKey(m.uidl)] = m.digest
		f.cur.Mark = max(f.cur.Mark, m.arrival)
	}
	if cut == f.cur.Pos {
		return
	}
	window := make([]pop3Seen, 0, pop3Window)
	for i := max(1, cut-pop3Window+1); i <= cut; i++ {
		if id, ok := uidls[i]; ok && id != "" {
			window = append(window, pop3Seen{UIDL: id, ID: digests[id]})
		} else {
			window = window[:0] // keep the window contiguous, ending at cut
		}
	}
	f.cur.Pos, f.cur.Window = cut, window
	if cut >= f.n {
		f.cur.Resync, f.cur.ResyncIDs = 0, nil
	}
}
