package mailparse

import "io"

// Bounds of one Parse call.
const (
	DefaultMaxDepth = 16       // MIME nesting levels followed
	DefaultMaxParts = 128      // MIME parts looked at
	MaxHeaderValue  = 16 << 10 // bytes kept of one header field's value
	maxHeaderFields = 1000     // header fields kept per header block
)

// Config bounds one Parse call; every field must be set.
type Config struct {
	MaxDepth     int // MIME nesting levels followed
	MaxParts     int // MIME parts looked at
	MaxPartBytes int // bytes read of one part
	// CharsetReader converts a named charset to UTF-8.
	CharsetReader func(charset string, input io.Reader) (io.Reader, error)
}
