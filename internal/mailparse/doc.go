// Package mailparse reads one raw RFC 5322 message leniently into a
// bounded, read-only view: its header, the transfer-decoded leaves of its
// MIME tree (text converted to UTF-8), and the headers of any returned
// originals (message/rfc822, message/global, text/rfc822-headers). The
// classifier (tracking) and the report readers (internal/bounce) work on
// that view.
//
// Parse never fails: what cannot be read as MIME is kept as text. It
// follows at most Config.MaxDepth nesting levels and Config.MaxParts
// parts, reads at most Config.MaxPartBytes of a part, and keeps at most
// MaxHeaderValue bytes of a header field.
package mailparse
