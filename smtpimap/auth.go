package smtpimap

import (
	"context"
	"errors"
	"net/textproto"
	"strings"

	"github.com/emersion/go-sasl"
	gmsmtp "github.com/wneessen/go-mail/smtp"
)

func (p *Provider) username() string {
	if p.cfg.Username != "" {
		return p.cfg.Username
	}
	return p.cfg.Email
}

// oauthToken returns a fresh access token from Config.TokenSource.
func (p *Provider) oauthToken(ctx context.Context) (string, error) {
	tok, err := p.cfg.TokenSource.Token()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", tokenFailure(err)
	}
	return tok.AccessToken, nil
}

// smtpAuth picks the SMTP SASL mechanism. Every mechanism refuses to run
// over a connection that is not TLS (tlsOnly), whatever the host name.
func (p *Provider) smtpAuth(ctx context.Context) (gmsmtp.Auth, error) {
	mech := p.cfg.Auth
	if mech == AuthAuto && p.cfg.TokenSource != nil {
		mech = AuthXOAUTH2
	}
	switch mech {
	case AuthXOAUTH2:
		tok, err := p.oauthToken(ctx)
		if err != nil {
			return nil, err
		}
		return tlsOnly{gmsmtp.XOAuth2Auth(p.username(), tok)}, nil
	case AuthLogin:
		return tlsOnly{gmsmtp.LoginAuth(p.username(), p.cfg.Password.Reveal(), p.cfg.SMTP.Host, true)}, nil
	case AuthPlain:
		return tlsOnly{gmsmtp.PlainAuth("", p.username(), p.cfg.Password.Reveal(), p.cfg.SMTP.Host, true)}, nil
	default:
		return tlsOnly{&autoAuth{
			plain: gmsmtp.PlainAuth("", p.username(), p.cfg.Password.Reveal(), p.cfg.SMTP.Host, true),
			login: gmsmtp.LoginAuth(p.username(), p.cfg.Password.Reveal(), p.cfg.SMTP.Host, true),
		}}, nil
	}
}

// tlsOnly refuses to start any mechanism on a connection without TLS,
// including to localhost (go-mail's own mechanisms trust localhost).
type tlsOnly struct{ gmsmtp.Auth }

func (a tlsOnly) Start(info *gmsmtp.ServerInfo) (string, []byte, error) {
	if !info.TLS {
		return "", nil, errInsecure
	}
	return a.Auth.Start(info)
}

// autoAuth uses PLAIN, or LOGIN when the server offers only LOGIN.
type autoAuth struct {
	plain, login gmsmtp.Auth
	chosen       gmsmtp.Auth
}

func (a *autoAuth) Start(info *gmsmtp.ServerInfo) (string, []byte, error) {
	a.chosen = a.plain
	hasPlain := false
	hasLogin := false
	for _, m := range info.Auth {
		switch strings.ToUpper(m) {
		case "PLAIN":
			hasPlain = true
		case "LOGIN":
			hasLogin = true
		}
	}
	if !hasPlain && hasLogin {
		a.chosen = a.login
	}
	return a.chosen.Start(info)
}

func (a *autoAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.chosen.Next(fromServer, more)
}

// xoauth2Client is the IMAP side of Google's and Microsoft's XOAUTH2 SASL
// mechanism: "user=" u ^A "auth=Bearer " token ^A ^A.
type xoauth2Client struct{ user, token string }

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	// The server sent a JSON error as a challenge; answer empty so it
	// fails the exchange with a tagged NO.
	return []byte{}, nil
}

// imapSASL picks the IMAP mechanism; nil means plain LOGIN.
func (p *Provider) imapSASL(ctx context.Context, caps func(string) bool) (sasl.Client, error) {
	mech := p.cfg.Auth
	if mech == AuthAuto && p.cfg.TokenSource != nil {
		mech = AuthXOAUTH2
	}
	switch {
	case mech == AuthXOAUTH2:
		tok, err := p.oauthToken(ctx)
		if err != nil {
			return nil, err
		}
		return &xoauth2Client{user: p.username(), token: tok}, nil
	case mech == AuthLogin:
		return nil, nil
	case mech == AuthPlain || caps("AUTH=PLAIN"):
		return sasl.NewPlainClient("", p.username(), p.cfg.Password.Reveal()), nil
	}
	return nil, nil
}

func isSMTPReply(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp)
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
