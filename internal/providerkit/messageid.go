package providerkit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/inboxkit/inboxkit/provider"
)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewMessageID returns a fresh, globally unique Message-ID (without angle
// brackets) in the domain of the sender's address, so it reveals nothing
// about the machine that made it.
func NewMessageID(sender string) string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return strings.ToLower(idEncoding.EncodeToString(b[:])) + "@" + messageIDDomain(sender)
}

// SetMessageID gives m its Message-ID when it has none: the one derived
// from its IdempotencyKey (see MessageIDForKey), else a fresh one in the
// account's domain. This is the one place a sent message's ID is chosen.
func SetMessageID(account string, m *provider.Message) {
	if m.MessageID != "" {
		return
	}
	if m.IdempotencyKey != "" {
		m.MessageID = MessageIDForKey(account, m.IdempotencyKey)
		return
	}
	m.MessageID = NewMessageID(account)
}

// MessageIDForKey returns the Message-ID a message with this idempotency key
// gets when sent from account: the same inputs always give the same ID, so a
// retry can find an earlier delivery in the Sent folder.
func MessageIDForKey(account, key string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(account) + "\x00" + key))
	return "ik-" + strings.ToLower(idEncoding.EncodeToString(sum[:20])) + "@" + messageIDDomain(account)
}

func messageIDDomain(address string) string {
	if at := strings.LastIndexByte(address, '@'); at >= 0 && at < len(address)-1 {
		d := strings.ToLower(address[at+1:])
		if provider.ValidMessageID("x@" + d) {
			return d
		}
	}
	return "inboxkit.invalid"
}

// TrimMessageID strips white space and angle brackets from a Message-ID as
// it appears in a header ("<abc@example.com>" → "abc@example.com").
func TrimMessageID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(id, "<")
	return strings.TrimSuffix(id, ">")
}

// ParseMessageIDs returns every msg-id in a References or In-Reply-To
// header value, in order, without angle brackets. Comments and words
// outside brackets are ignored; a bare id without brackets (seen from
// broken clients) is accepted when it is the whole value.
func ParseMessageIDs(value string) []string {
	var ids []string
	for {
		open := strings.IndexByte(value, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(value[open:], '>')
		if end < 0 {
			break
		}
		if id := strings.TrimSpace(value[open+1 : open+end]); provider.ValidMessageID(id) {
			ids = append(ids, id)
		}
		value = value[open+end+1:]
	}
	if len(ids) == 0 {
		if v := strings.TrimSpace(value); provider.ValidMessageID(v) {
			ids = append(ids, v)
		}
	}
	return ids
}
