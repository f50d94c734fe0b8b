package oauthtoken

import (
	"context"
	"errors"

	"golang.org/x/oauth2"

	"github.com/inboxkit/inboxkit/provider"
)

// Ambiguous reports whether a failed send over an OAuth API may still have
// been delivered: the API answered 5xx, or the request got no answer at
// all. status returns the HTTP status of the API's error in err, 0 when
// err holds none. A token-source failure (a *provider.Error or an
// *oauth2.RetrieveError) sent nothing, and neither did a cancelled call.
func Ambiguous(err error, status func(error) int) bool {
	if s := status(err); s != 0 {
		return s >= 500
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return false // a token-source failure: nothing was sent
	}
	var re *oauth2.RetrieveError
	return !errors.As(err, &re) && !errors.Is(err, context.Canceled)
}
