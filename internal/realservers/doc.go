// Package realservers holds tests that run against real Dovecot and Postfix
// started by scripts/mailservers.sh, and the helper that reads the
// environment that script prints:
//
//	INBOXKIT_REAL_SERVERS=1                          opt in
//	INBOXKIT_REAL_SMTP=127.0.0.1:PORT                submission (STARTTLS + AUTH)
//	INBOXKIT_REAL_IMAP=127.0.0.1:PORT                IMAP (STARTTLS)
//	INBOXKIT_REAL_POP3=127.0.0.1:PORT                POP3 (STLS), same Maildir
//	INBOXKIT_REAL_POP3S=127.0.0.1:PORT               POP3 (implicit TLS), same Maildir
//	INBOXKIT_REAL_USERS=a@dom:pass,b@dom:pass,...    local users
//	INBOXKIT_REAL_CA=/path/cert.pem                  the servers' self-signed certificate
//
// Run them with:
//
//	scripts/mailservers.sh install
//	eval "$(scripts/mailservers.sh start)"
//	go test ./internal/realservers/
//	scripts/mailservers.sh stop
package realservers
