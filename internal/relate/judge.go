package relate

import (
	"context"
	"errors"
	"net/textproto"

	"github.com/inboxkit/inboxkit/provider"
)

// ErrSkip is returned by a Steps function to drop the message without error
// (for example a Gmail message labelled SENT, or one seen before an
// expired cursor).
var ErrSkip = errors.New("relate: skip this message")

// Steps are the service-specific reads Judge needs of one message. Each
// returns provider.ErrNotFound when the message was deleted since it was
// listed, and ErrSkip to drop it.
type Steps struct {
	// Header reads at least the HeaderFields of the message.
	Header func(ctx context.Context) (textproto.MIMEHeader, error)
	// Raw downloads the whole RFC 5322 message.
	Raw func(ctx context.Context) ([]byte, error)
}

// Judge decides whether one message relates to our mail, reading as little
// of it as it can: when threadID is a thread of account that idx knows,
// the raw message is downloaded at once (it is returned anyway);
// otherwise its header is read, Match runs, and the raw message is
// downloaded only for a related message or a bounce or auto-reply
// candidate, which Settle then ties to our mail or drops.
//
// It returns the message as an Incoming with Raw, ThreadID, Record and
// MatchedBy set (the caller adds the provider's ids, folder and time), or
// nil when the message is unrelated, gone, or skipped. A look-up error is
// returned: the caller must not move its cursor past a message it could
// not judge.
func Judge(ctx context.Context, idx provider.SentIndex, account, threadID string, s Steps) (*provider.Incoming, error) {
	knownThread := false
	if idx != nil && threadID != "" {
		rec, err := idx.ByThread(ctx, account, threadID)
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return nil, err
		}
		knownThread = rec != nil
	}
	var (
		raw []byte
		h   textproto.MIMEHeader
		err error
	)
	if knownThread {
		if raw, err = s.Raw(ctx); err != nil {
			return gone(err)
		}
		h = Header(raw)
	} else if h, err = s.Header(ctx); err != nil {
		return gone(err)
	}
	v, err := Match(ctx, h, idx, account, threadID)
	if err != nil || !v.Download() {
		return nil, err
	}
	if raw == nil {
		if raw, err = s.Raw(ctx); err != nil {
			return gone(err)
		}
	}
	rec, matchedBy, err := Settle(ctx, raw, v, idx)
	if err != nil || rec == nil {
		return nil, err
	}
	return &provider.Incoming{Raw: raw, ThreadID: threadID, Record: rec, MatchedBy: matchedBy}, nil
}

// Download reports whether the message's body is worth downloading: it
// relates to our mail by header, or it may be a bounce, complaint or
// auto-reply about it.
func (v Verdict) Download() bool { return v.Related() || v.Candidate }

// Settle returns the SentRecord a downloaded message relates to and how
// it matched: v's own when its header tied it to our mail, otherwise the
// one Body finds inside it ("dsn-original"), or nil when it is a bounce or
// auto-reply about mail that is not ours.
func Settle(ctx context.Context, raw []byte, v Verdict, idx provider.SentIndex) (*provider.SentRecord, string, error) {
	if v.Record != nil {
		return v.Record, v.MatchedBy, nil
	}
	rec, err := Body(ctx, raw, idx)
	if err != nil || rec == nil {
		return nil, "", err
	}
	return rec, "dsn-original", nil
}

// gone treats a message deleted since it was listed, or skipped by a step,
// as unrelated.
func gone(err error) (*provider.Incoming, error) {
	if errors.Is(err, provider.ErrNotFound) || errors.Is(err, ErrSkip) {
		return nil, nil
	}
	return nil, err
}
