package mailserver

import (
	"bytes"
	"errors"

	"github.com/emersion/go-sasl"
)

// mechXOAuth2 is Google's and Microsoft's XOAUTH2 SASL mechanism
// (https://developers.google.com/gmail/imap/xoauth2-protocol).
const mechXOAuth2 = "XOAUTH2"

var errSASLMalformed = errors.New("mailserver: malformed SASL response")

// loginServer is the server side of the obsolete but common LOGIN mechanism
// (draft-murchison-sasl-login): "Username:" and "Password:" challenges, with
// the username optionally sent as the initial response.
type loginServer struct {
	step     int
	username string
	auth     func(username, password string) error
}

func newLoginServer(auth func(username, password string) error) sasl.Server {
	return &loginServer{auth: auth}
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if response == nil {
			return []byte("Username:"), false, nil
		}
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 1:
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.auth(l.username, string(response))
	}
	return nil, false, sasl.ErrUnexpectedClientResponse
}

// xoauth2Server checks "user=U\x01auth=Bearer T\x01\x01". On failure it
// sends the JSON error challenge, waits for the client's empty response and
// then fails, as Gmail does.
type xoauth2Server struct {
	check  func(username, token string) error
	failed error
}

func newXOAuth2Server(check func(username, token string) error) sasl.Server {
	return &xoauth2Server{check: check}
}

func (x *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if x.failed != nil {
		return nil, true, x.failed
	}
	if response == nil {
		return []byte{}, false, nil
	}
	user, token, err := parseXOAuth2(response)
	if err != nil {
		return nil, true, err
	}
	if err := x.check(user, token); err != nil {
		x.failed = err
		return []byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

func parseXOAuth2(b []byte) (user, token string, err error) {
	for _, field := range bytes.Split(b, []byte{1}) {
		k, v, ok := bytes.Cut(field, []byte("="))
		if !ok {
			continue
		}
		switch string(k) {
		case "user":
			user = string(v)
		case "auth":
			t, ok := bytes.CutPrefix(v, []byte("Bearer "))
			if !ok {
				return "", "", errSASLMalformed
			}
			token = string(t)
		}
	}
	if user == "" || token == "" {
		return "", "", errSASLMalformed
	}
	return user, token, nil
}
