package delegation

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Options are the optional settings shared by NewManager, NewGuard and
// NewInviter. A nil *Options, and every zero field, means the default.
type Options struct {
	// Clock returns the current time; nil means time.Now. Tests inject a
	// fixed or stepping clock; nothing in the package reads time.Now
	// elsewhere.
	Clock func() time.Time
	// Audit receives every grant transition and every send on behalf;
	// nil discards them.
	Audit AuditSink
	// NewID returns a fresh, unique grant or invitation ID; nil means 16
	// random bytes in hex.
	NewID func() string
	// InviteTTL is how long an invitation stays redeemable; zero means
	// seven days.
	InviteTTL time.Duration
}

// DefaultInviteTTL is the invitation lifetime when Options.InviteTTL is zero.
const DefaultInviteTTL = 7 * 24 * time.Hour

func (o *Options) now() time.Time {
	if o != nil && o.Clock != nil {
		return o.Clock()
	}
	return time.Now()
}

func (o *Options) sink() AuditSink {
	if o != nil && o.Audit != nil {
		return o.Audit
	}
	return discard{}
}

func (o *Options) newID() string {
	if o != nil && o.NewID != nil {
		return o.NewID()
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

func (o *Options) inviteTTL() time.Duration {
	if o != nil && o.InviteTTL > 0 {
		return o.InviteTTL
	}
	return DefaultInviteTTL
}

// copyOptions keeps a private copy so later changes by the caller have no
// effect.
func copyOptions(o *Options) *Options {
	if o == nil {
		return &Options{}
	}
	c := *o
	return &c
}
