package activity

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// Ledger is an in-memory [Sink] that keeps each recipient's [RecipientState]
// and each campaign's [Rates]: enough for tests, examples and small
// hosts. Larger hosts store events themselves and use [RecipientState.Apply] and
// [RatesOf] on them.
//
// States are kept per recipient address across campaigns: a hard bounce,
// complaint or unsubscribe is about the address, and a reply stops every
// sequence to that person. A Ledger is safe for concurrent use.
type Ledger struct {
	policy StopPolicy
	mu     sync.Mutex
	states map[string]*RecipientState
	book   rateBook
	events int
}

// NewLedger returns an empty Ledger applying policy (nil: defaults).
func NewLedger(policy *StopPolicy) *Ledger {
	l := &Ledger{states: make(map[string]*RecipientState), book: rateBook{}}
	if policy != nil {
		l.policy = *policy
	}
	return l
}

// Record applies e to its recipient's state and its campaign's rates. An
// event without a recipient (an open of a message sent to several
// people) is counted by Len but cannot be attributed to anyone.
func (l *Ledger) Record(_ context.Context, e Event) error {
	rcpt := strings.ToLower(e.Recipient)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events++
	if rcpt == "" {
		return nil
	}
	s := l.states[rcpt]
	if s == nil {
		s = &RecipientState{Recipient: rcpt}
		l.states[rcpt] = s
	}
	s.Apply(e, l.policy)
	l.book.add(e)
	return nil
}

// State returns a copy of recipient's state; ok is false when nothing was
// recorded for it.
func (l *Ledger) State(recipient string) (s RecipientState, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.states[strings.ToLower(recipient)]
	if p == nil {
		return RecipientState{Recipient: strings.ToLower(recipient)}, false
	}
	return *p, true
}

// MayContinue answers "may the next step go to recipient?" at now.
func (l *Ledger) MayContinue(recipient string, now time.Time) Verdict {
	s, _ := l.State(recipient)
	return s.MayContinue(now)
}

// Rates returns campaign's rates.
func (l *Ledger) Rates(campaign string) Rates {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.book.rates(campaign)
}

// Recipients returns every recipient with a state, sorted.
func (l *Ledger) Recipients() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.states))
	for r := range l.states {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// Len returns how many events were recorded.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.events
}
