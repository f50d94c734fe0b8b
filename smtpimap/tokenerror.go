package smtpimap

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/internal/oauthtoken"
	"github.com/inboxkit/inboxkit/provider"
)

// tokenFailure classifies a failure of Config.TokenSource (#12 item 8) with
// the rules gmail and graph use (oauthtoken.TokenRules): a grant or client
// the token endpoint refused for good is ErrAuth, so the user reconnects;
// an endpoint that is down or slow (5xx, 429, temporarily_unavailable, a
// network failure or timeout) is ErrTemporary, so the host retries later
// instead of asking the user to reconnect. A *provider.Error from the
// host's own token source keeps its code.
func tokenFailure(err error) error {
	var pe *provider.Error
	if errors.As(err, &pe) {
		return &provider.Error{Op: "token", Provider: provider.KindSMTPIMAP, Code: pe.Code, Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// The token request's own timeout (the caller's context is still
		// live, see oauthToken), not the caller giving up: keep it out of
		// the context errors' chain, which provider.IsTemporary reads as
		// "the caller gave up".
		err = errors.New("token endpoint did not answer in time: " + err.Error())
	}
	return oauthtoken.TokenRules{Kind: provider.KindSMTPIMAP}.Classify("token", err)
}
