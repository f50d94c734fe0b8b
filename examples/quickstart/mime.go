package main

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/emersion/go-message/mail"
)

// htmlPart returns a message's header and its text/html part, decoded, as
// a recipient's mail client would read them.
func htmlPart(raw []byte) (mail.Header, string, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return mail.Header{}, "", err
	}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return r.Header, "", errors.New("no text/html part")
		}
		if err != nil {
			return r.Header, "", err
		}
		if h, ok := p.Header.(*mail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); strings.EqualFold(ct, "text/html") {
				b, err := io.ReadAll(p.Body)
				return r.Header, string(b), err
			}
		}
	}
}
