package realservers

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// EnvOptIn is the variable that must be "1" for the real-server tests to run.
const EnvOptIn = "INBOXKIT_REAL_SERVERS"

// User is one local mailbox of the real servers.
type User struct {
	Email, Password string
}

// Env is the environment scripts/mailservers.sh prints.
type Env struct {
	SMTPHost string
	SMTPPort int
	IMAPHost string
	IMAPPort int
	// POP3 (STLS) and POP3S (implicit TLS) are Dovecot's POP3 listeners
	// on the same Maildir; zero ports when the environment names none.
	POP3Host  string
	POP3Port  int
	POP3SHost string
	POP3SPort int
	Users     []User
	CAFile    string
}

// ErrNotEnabled is returned by FromEnv when INBOXKIT_REAL_SERVERS is not 1.
var ErrNotEnabled = errors.New("realservers: real mail servers not enabled: set " + EnvOptIn +
	"=1 (eval \"$(scripts/mailservers.sh start)\" sets it with the rest)")

// FromEnv reads the environment through getenv (os.Getenv when nil).
func FromEnv(getenv func(string) string) (*Env, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv(EnvOptIn) != "1" {
		return nil, ErrNotEnabled
	}
	e := &Env{CAFile: getenv("INBOXKIT_REAL_CA")}
	var err error
	if e.SMTPHost, e.SMTPPort, err = hostPort("INBOXKIT_REAL_SMTP", getenv("INBOXKIT_REAL_SMTP")); err != nil {
		return nil, err
	}
	if e.IMAPHost, e.IMAPPort, err = hostPort("INBOXKIT_REAL_IMAP", getenv("INBOXKIT_REAL_IMAP")); err != nil {
		return nil, err
	}
	for _, v := range []struct {
		name string
		host *string
		port *int
	}{{"INBOXKIT_REAL_POP3", &e.POP3Host, &e.POP3Port}, {"INBOXKIT_REAL_POP3S", &e.POP3SHost, &e.POP3SPort}} {
		if getenv(v.name) == "" {
			continue
		}
		if *v.host, *v.port, err = hostPort(v.name, getenv(v.name)); err != nil {
			return nil, err
		}
	}
	for _, pair := range strings.Split(getenv("INBOXKIT_REAL_USERS"), ",") {
		email, pass, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || email == "" || pass == "" {
			return nil, fmt.Errorf("realservers: INBOXKIT_REAL_USERS: want user@domain:password[,...], got %q", pair)
		}
		e.Users = append(e.Users, User{Email: email, Password: pass})
	}
	if e.CAFile == "" {
		return nil, errors.New("realservers: INBOXKIT_REAL_CA is empty")
	}
	return e, nil
}

func hostPort(name, v string) (string, int, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", 0, fmt.Errorf("realservers: %s: %w", name, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, fmt.Errorf("realservers: %s: port %q is not 1-65535", name, port)
	}
	return host, p, nil
}

// TLSConfig trusts only the servers' certificate, for ServerName host.
func (e *Env) TLSConfig(host string) (*tls.Config, error) {
	pem, err := os.ReadFile(e.CAFile)
	if err != nil {
		return nil, fmt.Errorf("realservers: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("realservers: no certificate in %s", e.CAFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}, nil
}

// SMTPAddr is host:port of the submission service.
func (e *Env) SMTPAddr() string { return net.JoinHostPort(e.SMTPHost, strconv.Itoa(e.SMTPPort)) }

// IMAPAddr is host:port of the IMAP service.
func (e *Env) IMAPAddr() string { return net.JoinHostPort(e.IMAPHost, strconv.Itoa(e.IMAPPort)) }

// POP3Addr is host:port of the POP3 (STLS) service; empty when unset.
func (e *Env) POP3Addr() string {
	if e.POP3Port == 0 {
		return ""
	}
	return net.JoinHostPort(e.POP3Host, strconv.Itoa(e.POP3Port))
}
