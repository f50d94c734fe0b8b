package pop3

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/emersion/go-sasl"
)

// maxCommandLine is RFC 2449's limit on a command line, CRLF included; an
// AUTH initial response that would pass it is sent after the "+" instead
// (RFC 5034 §4).
const maxCommandLine = 255

// maxChallenge caps the SASL exchange a server may drive.
const maxChallenge = 8

// Login signs in with USER and PASS (RFC 1939 §7). When the server
// advertises PIPELINING both go in one round trip. The password is never
// sent unless the connection is TLS.
func (c *Client) Login(ctx context.Context, username, password string) error {
	if !c.isTLS {
		return ErrInsecure
	}
	if c.haveCap && c.caps.Has("PIPELINING") {
		return c.pipelinedLogin(ctx, username, password)
	}
	if _, err := c.cmd(ctx, "USER", "USER "+username); err != nil {
		return err
	}
	_, err := c.cmd(ctx, "PASS", "PASS "+password)
	return err
}

func (c *Client) pipelinedLogin(ctx context.Context, username, password string) error {
	var user, pass status
	err := c.exchange(ctx, "PASS", func() error {
		if err := c.writeLine("USER " + username); err != nil {
			return err
		}
		if err := c.writeLine("PASS " + password); err != nil {
			return err
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		var err error
		if user, err = readStatus(c.r); err != nil {
			return err
		}
		pass, err = readStatus(c.r)
		return err
	})
	switch {
	case err != nil:
		return err
	case !user.ok:
		return errorFrom("USER", user)
	case !pass.ok:
		return errorFrom("PASS", pass)
	}
	return nil
}

// Authenticate runs AUTH (RFC 5034) with a go-sasl client: PLAIN,
// XOAUTH2 or any other. The initial response goes on the AUTH line when
// it fits in 255 octets; a refusal is *Error. Nothing is sent unless the
// connection is TLS.
func (c *Client) Authenticate(ctx context.Context, client sasl.Client) error {
	if !c.isTLS {
		return ErrInsecure
	}
	mech, ir, err := client.Start()
	if err != nil {
		return fmt.Errorf("pop3: AUTH: %w", err)
	}
	line := "AUTH " + mech
	pending := []byte(nil)
	if ir != nil {
		enc := "="
		if len(ir) > 0 {
			enc = base64.StdEncoding.EncodeToString(ir)
		}
		if len(line)+1+len(enc)+2 <= maxCommandLine {
			line += " " + enc
		} else {
			pending = ir
		}
	}
	var final status
	err = c.exchange(ctx, "AUTH", func() error {
		if err := c.writeLine(line); err != nil {
			return err
		}
		for step := 0; ; step++ {
			if err := c.w.Flush(); err != nil {
				return err
			}
			st, err := readStatus(c.r)
			if err != nil {
				return err
			}
			if !st.cont {
				final = st
				return nil
			}
			if step >= maxChallenge {
				return fmt.Errorf("%w: too many SASL challenges", ErrProtocol)
			}
			var resp []byte
			if pending != nil {
				resp, pending = pending, nil
			} else {
				challenge, err := base64.StdEncoding.DecodeString(st.text)
				if err != nil {
					return fmt.Errorf("%w: SASL challenge is not base64", ErrProtocol)
				}
				if resp, err = client.Next(challenge); err != nil {
					// Cancel the exchange (RFC 5034 §4: "*").
					if werr := c.writeLine("*"); werr != nil {
						return werr
					}
					continue
				}
			}
			if err := c.writeLine(base64.StdEncoding.EncodeToString(resp)); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return err
	}
	if !final.ok {
		return errorFrom("AUTH", final)
	}
	return nil
}
