package delegation

import (
	"bufio"
	"bytes"
	"mime"
	"net/textproto"

	"github.com/inboxkit/inboxkit/provider"
)

// keptHeaders are the header fields StripIncoming keeps, in output order:
// what a tracking classifier needs to tell a reply, an auto-reply or a
// report from one another by header, and nothing that carries content
// (no Subject, From, To, Cc, body or attachment).
var keptHeaders = [...]string{
	"Date", "Message-Id", "In-Reply-To", "References",
	"Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond",
	"Content-Type",
}

// StripIncoming returns in as a requester may see it: every field but Raw
// unchanged (ProviderID, ThreadID, Folder, ReceivedAt, Record, MatchedBy),
// and Raw cut to a header block with no body, keeping only Date,
// Message-ID, In-Reply-To, References, Auto-Submitted, Precedence,
// X-Autoreply, X-Autorespond and the media type of Content-Type (with its
// report-type parameter, if any; the boundary and charset are dropped). A
// Raw whose header does not parse becomes empty. in itself is not changed.
func StripIncoming(in provider.Incoming) provider.Incoming {
	out := in
	out.Raw = stripRaw(in.Raw)
	return out
}

func stripRaw(raw []byte) []byte {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, err := r.ReadMIMEHeader()
	if err != nil || len(h) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, name := range keptHeaders {
		for _, v := range h.Values(name) {
			if name == "Content-Type" {
				if v = mediaType(v); v == "" {
					continue
				}
			}
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteString("\r\n")
		}
	}
	if b.Len() == 0 {
		return nil
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// mediaType keeps a Content-Type's media type and report-type parameter.
func mediaType(v string) string {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		return ""
	}
	keep := map[string]string{}
	if rt, ok := params["report-type"]; ok {
		keep["report-type"] = rt
	}
	return mime.FormatMediaType(mt, keep)
}
