package intent

import (
	"context"
	"errors"
)

// Intent is what the sender of a reply asks for. The words are fixed
// (DESIGN.md); hosts store and compare them as strings.
type Intent string

// The intents. Every reply gets exactly one.
const (
	Interested    Intent = "interested"     // accepts: wants to talk, meet, see a demo
	Question      Intent = "question"       // asks for information before deciding
	Later         Intent = "later"          // not now: contact again later
	NotInterested Intent = "not_interested" // declines
	WrongPerson   Intent = "wrong_person"   // we wrote to the wrong person; Referral names the right one when given
	Unsubscribe   Intent = "unsubscribe"    // wants no more mail
	Other         Intent = "other"          // none of the above (a thank-you, an unrelated remark)
)

// All lists every intent, in the order of the constants.
var All = [...]Intent{Interested, Question, Later, NotInterested, WrongPerson, Unsubscribe, Other}

// Valid reports whether i is one of the fixed intents.
func (i Intent) Valid() bool {
	for _, v := range All {
		if i == v {
			return true
		}
	}
	return false
}

// Message is what a classifier decides on: the new text of a reply and
// a little context.
type Message struct {
	// Text is the new text its sender wrote: quoted history and
	// signature removed (tracking.Classify does that). A classifier must
	// not look for intent anywhere else.
	Text string
	// Subject is the reply's subject, decoded.
	Subject string
	// From is the sender's address; it is never taken as a referral.
	From string
	// Own are addresses of ours (the account that sent the original)
	// that are never taken as a referral either.
	Own []string
}

// Result is a classifier's answer.
type Result struct {
	Intent Intent
	// Referral is the address a WrongPerson reply points to, when it
	// names one; "" otherwise.
	Referral string
}

// Classifier decides the intent of one reply. Implementations must be
// safe for concurrent use and should honour ctx; a host's model (an
// LLM) implements it and is combined with [Rules] through [Fallback].
type Classifier interface {
	Classify(ctx context.Context, m Message) (Result, error)
}

// ClassifierFunc adapts a function to a Classifier.
type ClassifierFunc func(ctx context.Context, m Message) (Result, error)

// Classify calls f.
func (f ClassifierFunc) Classify(ctx context.Context, m Message) (Result, error) { return f(ctx, m) }

// ErrInvalid is wrapped by Fallback's error when the primary classifier
// answered an intent that is not one of the fixed words.
var ErrInvalid = errors.New("intent: not one of the fixed intents")

// Fallback returns a Classifier that asks primary first and fallback
// when primary fails or answers an intent that is not one of the fixed
// words (a model's free text, say). A done ctx is returned as it is,
// without asking fallback. Referral is dropped unless the intent is
// WrongPerson.
func Fallback(primary, fallback Classifier) Classifier {
	return ClassifierFunc(func(ctx context.Context, m Message) (Result, error) {
		r, err := primary.Classify(ctx, m)
		if err == nil && r.Intent.Valid() {
			return clean(r), nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return Result{}, cerr
		}
		r, err2 := fallback.Classify(ctx, m)
		if err2 != nil {
			if err == nil {
				err = ErrInvalid
			}
			return Result{}, errors.Join(err, err2)
		}
		return clean(r), nil
	})
}

func clean(r Result) Result {
	if r.Intent != WrongPerson {
		r.Referral = ""
	}
	return r
}
