package smtpimap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/inboxkit/inboxkit/provider"
)

// errInsecure is the native cause when a server offers no TLS upgrade.
var errInsecure = errors.New("smtpimap: server does not offer STARTTLS; refusing to send credentials in the clear")

// wrap classifies a native SMTP, IMAP, TLS or network error exactly once.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return err
	}
	var rl *provider.RateLimitError
	if errors.As(err, &rl) {
		return err
	}
	return &provider.Error{Op: op, Provider: provider.KindSMTPIMAP, Code: classify(err), Err: err}
}

func classify(err error) error {
	if errors.Is(err, errInsecure) {
		return provider.ErrInsecure
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return provider.ErrTemporary
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return provider.ErrInsecure
	}
	var recordErr tls.RecordHeaderError
	if errors.As(err, &recordErr) {
		// Spoke TLS to a plaintext port.
		return provider.ErrInsecure
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return classifySMTP(tp.Code, tp.Msg)
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		switch ie.Code {
		case imap.ResponseCodeAuthenticationFailed, imap.ResponseCodeAuthorizationFailed, imap.ResponseCodeExpired:
			return provider.ErrAuth
		case imap.ResponseCodeNoPerm, imap.ResponseCodePrivacyRequired:
			return provider.ErrPermission
		case imap.ResponseCodeUnavailable, imap.ResponseCodeInUse, imap.ResponseCodeLimit, imap.ResponseCodeOverQuota:
			return provider.ErrTemporary
		case imap.ResponseCodeNonExistent, imap.ResponseCodeTryCreate:
			return provider.ErrNotFound
		}
		return provider.ErrTemporary
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return provider.ErrTemporary
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "starttls") && strings.Contains(msg, "not support"):
		return provider.ErrInsecure
	case strings.Contains(msg, "unencrypted"), strings.Contains(msg, "certificate"):
		return provider.ErrInsecure
	case strings.Contains(msg, "authentication failed"), strings.Contains(msg, "auth not supported"),
		strings.Contains(msg, "does not support smtp auth"):
		return provider.ErrAuth
	}
	return provider.ErrTemporary
}

// classifySMTP maps an SMTP reply (RFC 5321 §4.2, enhanced codes RFC 3463)
// to a sentinel.
func classifySMTP(code int, text string) error {
	lower := strings.ToLower(text)
	switch {
	case code == 535 || code == 534 || code == 454 && strings.Contains(lower, "auth"):
		return provider.ErrAuth
	case code == 530:
		if strings.Contains(lower, "starttls") || strings.Contains(lower, "5.7.11") {
			return provider.ErrInsecure
		}
		return provider.ErrAuth
	case code == 421 || code == 450 || code == 451 || code == 452:
		if strings.Contains(lower, "rate") || strings.Contains(lower, "too many") || strings.Contains(lower, "4.7.0") && strings.Contains(lower, "limit") {
			return provider.ErrRateLimited
		}
		return provider.ErrTemporary
	case code >= 400 && code < 500:
		return provider.ErrTemporary
	case code == 550 && (strings.Contains(lower, "5.7.1") || strings.Contains(lower, "not owned") || strings.Contains(lower, "sender")):
		return provider.ErrPermission
	case code == 553 || code == 550 || code == 551 || code == 501 || code == 552 || code == 554:
		return provider.ErrInvalid
	}
	return provider.ErrTemporary
}

// rateLimited turns an ErrRateLimited classification into the typed error
// that Retry understands; SMTP says no Retry-After, so RetryAfter is 0.
func rateLimited(op string, err error) error {
	e := wrap(op, err)
	if errors.Is(e, provider.ErrRateLimited) {
		return &provider.RateLimitError{Err: e}
	}
	return e
}
