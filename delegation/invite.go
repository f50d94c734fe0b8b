package delegation

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// MinInviteKeyLen is the shortest HMAC key NewInviter accepts (256 bits).
const MinInviteKeyLen = 32

// tokenPrefix names the token format; it is also MACed, so a token of a
// future format cannot be passed off as this one.
const tokenPrefix = "ikinv1"

// Invitation asks a colleague, who may have no account in the host product,
// to connect the mailbox at Email. Redeem checks that the mailbox connected
// is that address.
type Invitation struct {
	// ID is unique per invitation; the RedeemedStore keys on it.
	ID string `json:"id"`
	// Email is the invited address.
	Email string `json:"email"`
	// InvitedBy is the user who sent the invitation (typically the future
	// requester of a grant).
	InvitedBy string `json:"by"`
	// Note is optional host data carried in the token (e.g. a team ID).
	// It is signed, not encrypted: the invitee can read it.
	Note      string    `json:"note,omitempty"`
	IssuedAt  time.Time `json:"iat"`
	ExpiresAt time.Time `json:"exp"`
}

// RedeemedStore remembers which invitations were redeemed, so each can be
// redeemed once. Hosts implement it over their database; MemoryRedeemed
// is an in-memory one. Implementations must be safe for concurrent use,
// and MarkRedeemed atomic: of two concurrent calls with one id, exactly one
// returns nil.
type RedeemedStore interface {
	// MarkRedeemed records id as redeemed, or returns ErrInviteUsed when it
	// already was. expires is when the invitation would have expired
	// anyway: the store may forget id after it.
	MarkRedeemed(ctx context.Context, id string, expires time.Time) error
}

// Inviter issues and redeems invitation tokens: HMAC-SHA-256 signed,
// expiring, single-use, bound to the invited address. It is safe for
// concurrent use.
//
// A token is "ikinv1." + base64url(JSON of the Invitation) + "." +
// base64url(HMAC-SHA-256(key, "ikinv1." + payload)), unpadded, fit for a
// URL query parameter. It is signed, not encrypted.
type Inviter struct {
	key  []byte
	used RedeemedStore
	opts *Options
}

// NewInviter returns an Inviter signing with key (at least
// MinInviteKeyLen random bytes, kept secret) and remembering redeemed
// tokens in used.
func NewInviter(key []byte, used RedeemedStore, opts *Options) (*Inviter, error) {
	if len(key) < MinInviteKeyLen {
		return nil, providerkit.Invalid("key", fmt.Sprintf("is %d bytes, need at least %d", len(key), MinInviteKeyLen))
	}
	if used == nil {
		return nil, providerkit.Invalid("used", "is nil")
	}
	return &Inviter{key: bytes.Clone(key), used: used, opts: copyOptions(opts)}, nil
}

// Invite returns a token inviting email on behalf of invitedBy, valid for
// Options.InviteTTL, and the Invitation it carries. note is optional.
func (iv *Inviter) Invite(email, invitedBy, note string) (string, Invitation, error) {
	email = strings.TrimSpace(email)
	if err := provider.ValidEmail(email); err != nil {
		return "", Invitation{}, providerkit.Invalid("email", err.Error())
	}
	if invitedBy == "" {
		return "", Invitation{}, providerkit.Invalid("invitedBy", "is empty")
	}
	now := iv.opts.now().UTC().Truncate(time.Second)
	inv := Invitation{
		ID: iv.opts.newID(), Email: email, InvitedBy: invitedBy, Note: note,
		IssuedAt: now, ExpiresAt: now.Add(iv.opts.inviteTTL()),
	}
	payload, err := json.Marshal(inv)
	if err != nil {
		return "", Invitation{}, fmt.Errorf("delegation: encode invitation: %w", err)
	}
	signed := tokenPrefix + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signed + "." + base64.RawURLEncoding.EncodeToString(iv.mac(signed)), inv, nil
}

// Verify checks token's signature and expiry and returns its Invitation,
// without redeeming it (to show "you were invited by …" before the
// colleague connects). Errors: ErrInviteInvalid for a malformed or
// tampered token, ErrInviteExpired after its expiry.
func (iv *Inviter) Verify(token string) (Invitation, error) {
	inv, err := iv.parse(token)
	if err != nil {
		return Invitation{}, err
	}
	if !iv.opts.now().Before(inv.ExpiresAt) {
		return Invitation{}, fmt.Errorf("%w: invitation %s expired at %s", ErrInviteExpired, inv.ID, inv.ExpiresAt.Format(time.RFC3339))
	}
	return inv, nil
}

// Redeem checks token as Verify does, checks that the mailbox the colleague
// connected is the invited address (its primary address, compared
// case-insensitively; an alias does not count), and marks the invitation
// redeemed. Errors: ErrInviteInvalid, ErrInviteExpired,
// provider.ErrAccountMismatch for a mailbox of another address (the token
// stays unused, so the colleague can retry with the right mailbox), and
// ErrInviteUsed when it was redeemed before.
func (iv *Inviter) Redeem(ctx context.Context, token string, mailbox provider.Account) (Invitation, error) {
	inv, err := iv.Verify(token)
	if err != nil {
		return Invitation{}, err
	}
	if !strings.EqualFold(strings.TrimSpace(mailbox.Email), inv.Email) {
		return Invitation{}, &provider.Error{Op: "redeem invitation", Code: provider.ErrAccountMismatch,
			Err: fmt.Errorf("delegation: invitation is for %s, mailbox is %s", inv.Email, mailbox.Email)}
	}
	if err := iv.used.MarkRedeemed(ctx, inv.ID, inv.ExpiresAt); err != nil {
		return Invitation{}, fmt.Errorf("delegation: redeem invitation %s: %w", inv.ID, err)
	}
	return inv, nil
}

func (iv *Inviter) mac(signed string) []byte {
	h := hmac.New(sha256.New, iv.key)
	h.Write([]byte(signed))
	return h.Sum(nil)
}

// parse checks the signature before looking at the payload.
func (iv *Inviter) parse(token string) (Invitation, error) {
	token = strings.TrimSpace(token)
	dot := strings.LastIndexByte(token, '.')
	if dot < 0 || !strings.HasPrefix(token, tokenPrefix+".") {
		return Invitation{}, ErrInviteInvalid
	}
	signed, sig := token[:dot], token[dot+1:]
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, iv.mac(signed)) {
		return Invitation{}, ErrInviteInvalid
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(signed[len(tokenPrefix)+1:])
	if err != nil {
		return Invitation{}, ErrInviteInvalid
	}
	var inv Invitation
	if err := json.Unmarshal(payload, &inv); err != nil || inv.ID == "" || inv.Email == "" || inv.ExpiresAt.IsZero() {
		return Invitation{}, ErrInviteInvalid
	}
	return inv, nil
}
