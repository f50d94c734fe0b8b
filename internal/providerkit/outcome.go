package providerkit

import (
	"errors"

	"github.com/inboxkit/inboxkit/provider"
)

// OutcomeUnknown is the error of a send that may or may not have been
// delivered (its answer was lost, it timed out after the request left, the
// look-up that would tell failed): a *provider.Error matching
// provider.ErrOutcomeUnknown, with err's native cause underneath (a
// context error stays reachable with errors.Is). The sentinel err was
// classified with (usually ErrTemporary) is dropped, so that a host's
// retry loop does not take the send for a transient failure and send a
// new copy.
func OutcomeUnknown(kind provider.Kind, err error) *provider.Error {
	var pe *provider.Error
	if errors.As(err, &pe) && pe == err && pe.Err != nil {
		err = pe.Err
	}
	return &provider.Error{Op: "send", Provider: kind, Code: provider.ErrOutcomeUnknown, Err: err}
}
