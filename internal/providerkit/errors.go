package providerkit

import (
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/provider"
)

// Errorf is a shorthand for a *provider.Error whose cause is a formatted
// message.
func Errorf(kind provider.Kind, op string, code error, format string, args ...any) *provider.Error {
	return &provider.Error{Op: op, Provider: kind, Code: code, Err: fmt.Errorf(format, args...)}
}

// Tag fills in Op and Provider of a *provider.Error that shared code
// (validation, composing) returned without them; other errors are returned
// as they are.
func Tag(kind provider.Kind, op string, err error) error {
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Provider == "" {
		cp := *pe
		cp.Op, cp.Provider = op, kind
		return &cp
	}
	return err
}

// Invalid returns a provider.ErrInvalid *provider.Error naming the field at
// fault.
func Invalid(field, reason string) *provider.Error {
	return &provider.Error{Code: provider.ErrInvalid, Field: field, Err: errors.New(reason)}
}
