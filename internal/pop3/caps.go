package pop3

import (
	"context"
	"strings"
)

// Caps are the capabilities CAPA listed (RFC 2449), by upper-case name,
// each with its arguments.
type Caps map[string][]string

// Has reports whether the capability name is listed.
func (c Caps) Has(name string) bool {
	_, ok := c[strings.ToUpper(name)]
	return ok
}

// SASL reports whether the SASL capability lists mech.
func (c Caps) SASL(mech string) bool {
	for _, m := range c["SASL"] {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// maxCapa caps the CAPA response.
const maxCapa = 64 << 10

// Capabilities issues CAPA once per TLS state and returns the list. A
// server without CAPA (a -ERR) yields empty Caps and no error: RFC 1939
// servers still speak USER/PASS, UIDL and TOP.
func (c *Client) Capabilities(ctx context.Context) (Caps, error) {
	if c.haveCap {
		return c.caps, nil
	}
	body, err := c.multi(ctx, "CAPA", "CAPA", maxCapa)
	if err != nil {
		if _, ok := err.(*Error); ok {
			c.caps, c.haveCap = Caps{}, true
			return c.caps, nil
		}
		return nil, err
	}
	c.caps, c.haveCap = parseCaps(body), true
	return c.caps, nil
}

func parseCaps(body []byte) Caps {
	caps := Caps{}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		caps[strings.ToUpper(f[0])] = f[1:]
	}
	return caps
}

// multi sends one command and reads its multi-line response, capped at
// limit bytes.
func (c *Client) multi(ctx context.Context, verb, line string, limit int64) ([]byte, error) {
	var st status
	var body []byte
	err := c.exchange(ctx, verb, func() error {
		if err := c.writeLine(line); err != nil {
			return err
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		var err error
		if st, err = readStatus(c.r); err != nil || !st.ok {
			return err
		}
		body, err = readMultiline(c.r, verb, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !st.ok {
		return nil, errorFrom(verb, st)
	}
	return body, nil
}
