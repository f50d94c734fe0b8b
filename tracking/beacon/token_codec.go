package beacon

import "encoding/binary"

// Token layout (before base64url without padding):
//
//	0x01 ‖ kind (1) ‖ n (1) ‖ keyID (n) ‖ expires (uvarint, Unix seconds, 0 = never)
//	‖ 4 × (uvarint length ‖ bytes): MessageID, Account, Recipient, Campaign
//	‖ tag (16)
//
// tag = first 16 bytes of HMAC-SHA-256(key, macDomain ‖ everything before
// the tag ‖ target), where target is the click's URL and empty otherwise.
const (
	tokenVersion  = 0x01
	tagSize       = 16
	maxTokenBytes = 1024
	// MaxTokenLen is the longest token text Verify reads; longer is invalid.
	MaxTokenLen = (maxTokenBytes*4 + 2) / 3
	macDomain   = "inboxkit/tracking/v1\x00"
)

// Field limits (bytes) enforced when signing.
const (
	maxMessageIDLen = 250
	maxAddressLen   = 254
	maxCampaignLen  = 128
	// MaxTargetLen is the longest click target URL that is signed; longer
	// links are left untracked.
	MaxTargetLen = 4096
)

// b64Value decodes one base64url character.
func b64Value(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case c >= '0' && c <= '9':
		return c - '0' + 52, true
	case c == '-':
		return 62, true
	case c == '_':
		return 63, true
	}
	return 0, false
}

// decodeB64 decodes unpadded base64url s into dst, strictly (no padding,
// no stray bits), without allocating. It returns the decoded length.
func decodeB64(dst []byte, s string) (int, bool) {
	if len(s)%4 == 1 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i += 4 {
		var v uint32
		k := min(4, len(s)-i)
		for j := 0; j < k; j++ {
			d, ok := b64Value(s[i+j])
			if !ok {
				return 0, false
			}
			v |= uint32(d) << (18 - 6*j)
		}
		out := k - 1 // 4 chars → 3 bytes, 3 → 2, 2 → 1
		if k < 4 && v<<(8*out)&0xffffff != 0 {
			return 0, false // non-zero trailing bits: not the canonical encoding
		}
		if n+out > len(dst) {
			return 0, false
		}
		for j := 0; j < out; j++ {
			dst[n+j] = byte(v >> (16 - 8*j))
		}
		n += out
	}
	return n, true
}

// readField reads one uvarint-length-prefixed field of b starting at off.
func readField(b []byte, off int) (start, end int, ok bool) {
	l, w := binary.Uvarint(b[off:])
	if w <= 0 || l > uint64(len(b)-off-w) {
		return 0, 0, false
	}
	start = off + w
	return start, start + int(l), true
}

// appendField appends s with its uvarint length.
func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
