// Package pop3 is a small POP3 client: RFC 1939 (the protocol), RFC 2449
// (CAPA, extended response codes, PIPELINING), RFC 2595 (STLS) and RFC 5034
// (AUTH with SASL, initial responses). It exists because the one Go POP3
// client found has neither STLS nor SASL.
//
// A Client is one session. Every call takes a context: its deadline, and
// Options.Timeout per exchange, become deadlines on the connection, and
// cancelling it interrupts the call. After any failure of the connection
// itself (an I/O error, a deadline, a malformed response, a response over
// its size cap) the Client is broken: every later call fails at once, and
// the caller dials again. A -ERR reply is an *Error and leaves the session
// usable.
//
// # Sizes
//
// A server may lie about sizes (LIST) or never end a response. Every read
// is capped: status lines at MaxLine, a multi-line response at the cap of
// its command (Options.MaxMessage for RETR, Options.MaxHeader for TOP). A
// response over its cap is a *TooLargeError and breaks the session rather
// than reading on, so a hostile or broken server never stalls the caller
// or fills its memory.
//
// # Safety
//
// Credentials are never sent on a connection that is not TLS: USER, PASS
// and AUTH fail with ErrInsecure before anything is written. A Client is
// not safe for concurrent use.
package pop3
