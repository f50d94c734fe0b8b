package beacon

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Token errors. Neither message contains the token.
var (
	// ErrTokenInvalid means a token is malformed, truncated, signed with an
	// unknown key, tampered with, or presented with another URL or for
	// another purpose than the one it was signed for.
	ErrTokenInvalid = errors.New("beacon: invalid token")
	// ErrTokenExpired means a token's signature is good but its time is
	// up. Verify returns the claims with it, so a caller can still act on
	// an authentic old link (the Handler redirects an expired click to its
	// signed URL without recording it).
	ErrTokenExpired = errors.New("beacon: token expired")
)

// TokenKind is what a token may be used for; a token of one kind is
// invalid as another.
type TokenKind byte

// The token kinds.
const (
	TokenOpen        TokenKind = 1 // the open pixel
	TokenClick       TokenKind = 2 // a rewritten link; bound to its target URL
	TokenUnsubscribe TokenKind = 3 // the List-Unsubscribe URL
)

// String returns "open", "click" or "unsubscribe".
func (k TokenKind) String() string {
	switch k {
	case TokenOpen:
		return "open"
	case TokenClick:
		return "click"
	case TokenUnsubscribe:
		return "unsubscribe"
	default:
		return "unknown"
	}
}

// Claims is what a token carries: the IDs of the SentRecord it belongs to.
type Claims struct {
	Kind      TokenKind
	MessageID string // the sent message's Message-ID, without angle brackets
	Account   string // the mailbox that sent it
	Recipient string // the one recipient it was sent to; "" for a message to several
	Campaign  string // the host's campaign key, for rates
	Expires   time.Time
}

// Sign returns the URL-safe token for c. For TokenClick, target is the
// exact URL the click may redirect to; for the other kinds it must be "".
// Expires is stored to the second; the zero time never expires.
func (s *Signer) Sign(c Claims, target string) (string, error) {
	if err := c.check(target); err != nil {
		return "", err
	}
	k := s.primary
	b := make([]byte, 0, 3+len(k.id)+10+len(c.MessageID)+len(c.Account)+len(c.Recipient)+len(c.Campaign)+8+tagSize)
	b = append(b, tokenVersion, byte(c.Kind), byte(len(k.id)))
	b = append(b, k.id...)
	var exp uint64
	if !c.Expires.IsZero() {
		exp = uint64(max(c.Expires.Unix(), 1))
	}
	b = binary.AppendUvarint(b, exp)
	b = appendField(b, c.MessageID)
	b = appendField(b, c.Account)
	b = appendField(b, c.Recipient)
	b = appendField(b, c.Campaign)
	if len(b)+tagSize > maxTokenBytes {
		return "", errors.New("beacon: sign: token too long")
	}
	m := k.get()
	tag := m.tag(b, target)
	b = append(b, tag[:tagSize]...)
	k.put(m)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (c *Claims) check(target string) error {
	switch {
	case c.Kind < TokenOpen || c.Kind > TokenUnsubscribe:
		return fmt.Errorf("beacon: sign: unknown token kind %d", c.Kind)
	case c.Kind == TokenClick && target == "":
		return errors.New("beacon: sign: click token without a target URL")
	case c.Kind != TokenClick && target != "":
		return fmt.Errorf("beacon: sign: %s token with a target URL", c.Kind)
	case len(target) > MaxTargetLen:
		return fmt.Errorf("beacon: sign: target URL longer than %d bytes", MaxTargetLen)
	case c.MessageID == "" || len(c.MessageID) > maxMessageIDLen:
		return errors.New("beacon: sign: MessageID empty or too long")
	case len(c.Account) > maxAddressLen || len(c.Recipient) > maxAddressLen:
		return errors.New("beacon: sign: address too long")
	case len(c.Campaign) > maxCampaignLen:
		return fmt.Errorf("beacon: sign: campaign longer than %d bytes", maxCampaignLen)
	case !utf8.ValidString(c.MessageID + c.Account + c.Recipient + c.Campaign):
		return errors.New("beacon: sign: claims are not valid UTF-8")
	}
	return nil
}

// tag computes the HMAC of macDomain ‖ b ‖ target into m.sum.
func (m *macState) tag(b []byte, target string) []byte {
	m.mac.Reset()
	n := copy(m.tmp[:], macDomain)
	m.mac.Write(m.tmp[:n])
	m.mac.Write(b)
	for len(target) > 0 {
		n := copy(m.tmp[:], target)
		m.mac.Write(m.tmp[:n])
		target = target[n:]
	}
	return m.mac.Sum(m.sum[:0])
}

// Verify checks token for kind and, for a click, target, and returns its
// claims. The tag is compared in constant time before anything else in
// the token is trusted. A malformed, truncated, tampered, unknown-key or
// wrong-kind token, or a click token presented with any other target URL,
// is ErrTokenInvalid; a good token past its expiry is ErrTokenExpired
// together with its claims.
func (s *Signer) Verify(token string, kind TokenKind, target string, now time.Time) (Claims, error) {
	if len(token) > MaxTokenLen || len(token) < 4 {
		return Claims{}, ErrTokenInvalid
	}
	if kind != TokenClick && target != "" {
		return Claims{}, ErrTokenInvalid
	}
	// Find the key first: its pooled scratch buffer receives the bytes.
	// 48 characters decode to 36 bytes, enough for the longest key ID.
	prefix := token[:min(len(token), 48)]
	var head [36]byte
	hn, ok := decodeB64(head[:], prefix)
	if !ok {
		return Claims{}, ErrTokenInvalid
	}
	k := s.keyFor(head[:hn])
	if k == nil {
		return Claims{}, ErrTokenInvalid
	}
	m := k.get()
	defer k.put(m)
	n, ok := decodeB64(m.buf[:], token)
	if !ok || n < 3+len(k.id)+1+4+tagSize {
		return Claims{}, ErrTokenInvalid
	}
	b := m.buf[:n]
	body, tag := b[:n-tagSize], b[n-tagSize:]
	if !tagEqual(m.tag(body, target)[:tagSize], tag) {
		return Claims{}, ErrTokenInvalid
	}
	if TokenKind(body[1]) != kind {
		return Claims{}, ErrTokenInvalid
	}
	return parseClaims(body, 3+len(k.id), now)
}

// keyFor returns the key named by a token's first bytes, or nil.
func (s *Signer) keyFor(head []byte) *signKey {
	if len(head) < 3 || head[0] != tokenVersion {
		return nil
	}
	n := int(head[2])
	if n == 0 || n > len(head)-3 {
		return nil
	}
	return s.find(head[3 : 3+n])
}

// parseClaims reads the signed body after the key ID.
func parseClaims(b []byte, off int, now time.Time) (Claims, error) {
	exp, w := binary.Uvarint(b[off:])
	if w <= 0 || exp > 1<<40 {
		return Claims{}, ErrTokenInvalid
	}
	off += w
	var bounds [4][2]int
	for i := range bounds {
		start, end, ok := readField(b, off)
		if !ok {
			return Claims{}, ErrTokenInvalid
		}
		bounds[i] = [2]int{start, end}
		off = end
	}
	if off != len(b) {
		return Claims{}, ErrTokenInvalid
	}
	// One string for all four fields: one allocation per verified token.
	first := bounds[0][0]
	all := string(b[first:off])
	field := func(i int) string { return all[bounds[i][0]-first : bounds[i][1]-first] }
	c := Claims{
		Kind:      TokenKind(b[1]),
		MessageID: field(0),
		Account:   field(1),
		Recipient: field(2),
		Campaign:  field(3),
	}
	if exp != 0 {
		c.Expires = time.Unix(int64(exp), 0).UTC()
		if !now.Before(c.Expires) {
			return c, ErrTokenExpired
		}
	}
	return c, nil
}

// tagEqual compares two tags in constant time.
func tagEqual(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}
