package crypto

import (
	"fmt"
	"log/slog"
)

// Secret is a string that never shows itself: it prints, formats, logs and
// marshals as [REDACTED]. Use Reveal at the one place the real value is
// needed (handing it to a server).
//
// fmt cannot call methods on unexported struct fields, so a Secret held in
// an unexported field prints as its plain value when the enclosing struct
// is formatted with %v; keep Secrets in exported fields. Likewise
// encoding/json writes a Secret used as a map key as is.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String returns [REDACTED].
func (s Secret) String() string { return redacted }

// GoString returns [REDACTED], for %#v.
func (s Secret) GoString() string { return redacted }

// Format writes [REDACTED] for every verb, so %s, %q, %x and %v never leak.
func (s Secret) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(redacted))
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (and so JSON, XML, YAML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Empty reports whether the secret has no value.
func (s Secret) Empty() bool { return s == "" }
