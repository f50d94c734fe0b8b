package mailparse

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// CharsetReader converts input in the named charset to UTF-8 with
// golang.org/x/text (WHATWG names first, then IANA names). It is the
// default of Config.CharsetReader.
func CharsetReader(charset string, input io.Reader) (io.Reader, error) {
	name := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`))
	switch name {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		enc, err = ianaindex.IANA.Encoding(name)
	}
	if err != nil || enc == nil {
		return nil, fmt.Errorf("mailparse: unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(input), nil
}

// toUTF8 converts a text body; on an unknown charset or a conversion
// error the bytes are kept as they are.
func (w *walker) toUTF8(charset string, b []byte) []byte {
	name := strings.ToLower(charset)
	if name == "" || name == "utf-8" || name == "us-ascii" || isASCII(b) || (utf8.Valid(b) && !bytes.ContainsRune(b, 0x1b)) {
		// Text already in UTF-8 despite its label (mail re-encoded by a
		// gateway) is kept: no legacy charset yields valid multi-byte
		// UTF-8 by chance in practice.
		return b
	}
	r, err := w.cfg.CharsetReader(charset, bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(4*len(b)+16)))
	if err != nil && len(out) == 0 {
		return b
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// DecodeWords decodes RFC 2047 encoded words in a header value with
// cfg's charset reader. Raw 8-bit bytes that are not UTF-8 are kept only
// when valid.
func DecodeWords(v string, cfg *Config) string {
	if strings.Contains(v, "=?") {
		d := mime.WordDecoder{CharsetReader: cfg.CharsetReader}
		if s, err := d.DecodeHeader(v); err == nil {
			v = s
		}
	}
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return v
}
