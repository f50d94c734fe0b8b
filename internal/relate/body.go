package relate

import (
	"bytes"
	"context"
	"mime"
	"strings"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// MaxBodyScan bounds how much of a candidate's body Body reads.
const MaxBodyScan = 1 << 20

// Body settles a candidate: it looks for a Message-ID of ours inside the
// message — the header of the returned original in a DSN
// (message/rfc822 or text/rfc822-headers), an ARF report's original, or an
// auto-reply's In-Reply-To — and returns the record it belongs to, or nil
// when none is ours. Only the first MaxBodyScan bytes are read.
func Body(ctx context.Context, raw []byte, idx provider.SentIndex) (*provider.SentRecord, error) {
	if idx == nil {
		return nil, nil
	}
	if len(raw) > MaxBodyScan {
		raw = raw[:MaxBodyScan]
	}
	h := Header(raw)
	if v, err := Match(ctx, h, idx, "", ""); err != nil || v.Record != nil {
		return v.Record, err
	}
	own := providerkit.TrimMessageID(h.Get("Message-Id"))
	seen := 0
	for _, id := range embeddedMessageIDs(raw) {
		if id == own {
			continue
		}
		if seen++; seen > 20 {
			break
		}
		rec, err := lookup(ctx, idx, id)
		if err != nil || rec != nil {
			return rec, err
		}
	}
	return nil, nil
}

var messageIDFields = [][]byte{[]byte("message-id:"), []byte("in-reply-to:"), []byte("references:")}

// embeddedMessageIDs returns the msg-ids that follow a Message-ID,
// In-Reply-To or References field anywhere in raw (at a line start, in any
// case), in order. It also catches a quoted-printable soft line break.
func embeddedMessageIDs(raw []byte) []string {
	lower := bytes.ToLower(raw)
	var ids []string
	for _, field := range messageIDFields {
		rest := lower
		offset := 0
		for {
			i := bytes.Index(rest, field)
			if i < 0 {
				break
			}
			start := offset + i
			offset = start + len(field)
			rest = lower[offset:]
			if start > 0 && lower[start-1] != '\n' && lower[start-1] != ' ' && lower[start-1] != '\t' && lower[start-1] != '>' {
				continue
			}
			end := offset
			for end < len(raw) && end-offset < 998 && raw[end] != '\n' {
				end++
			}
			value := strings.ReplaceAll(string(raw[offset:end]), "=\r", "")
			ids = append(ids, providerkit.ParseMessageIDs(value)...)
		}
	}
	return ids
}

var wordDecoder = mime.WordDecoder{CharsetReader: nil}

// decodeWords decodes RFC 2047 encoded words in UTF-8, ISO-8859-1 and
// US-ASCII (others stay encoded, which only weakens the subject hint).
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	out, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}
