// Package mailserver runs an in-process SMTP server (go-smtp), IMAP
// server (go-imap v2 imapserver over imapmemserver) and POP3 server on
// 127.0.0.1 for tests, with a throw-away TLS certificate authority
// generated at Start.
//
// The servers share one set of users (AddUser). A message accepted over SMTP
// is recorded in the Outbox and, for every recipient that is a local user,
// appended to that user's INBOX with the Return-Path, Delivered-To and
// Received fields a delivering MTA adds, so a test can play a prospect who
// replies. Recipients at other addresses are accepted and kept only in the
// Outbox, like mail relayed to the internet. Deliver appends a message to an
// INBOX directly.
//
// # Security
//
// Each listener offers STARTTLS (the default), implicit TLS, or nothing at
// all (SecurityNone, a misconfigured server that takes passwords in the
// clear, for proving that a client refuses it). On a STARTTLS listener
// neither SMTP AUTH nor IMAP LOGIN is offered or accepted before TLS.
// ClientTLSConfig trusts the throw-away CA and nothing else.
//
// SMTP requires AUTH (PLAIN, LOGIN or XOAUTH2) before MAIL (530 5.7.0); a
// wrong password is 535 5.7.8. IMAP accepts LOGIN and AUTHENTICATE PLAIN
// and XOAUTH2 (RFC 3501, RFC 4616; XOAUTH2 as Gmail defines it).
//
// # Mailboxes
//
// Every user has INBOX, Sent and Junk. LIST reports the RFC 6154 SPECIAL-USE
// attributes \Sent and \Junk (and those given with CREATE ... USE), on a
// plain LIST as Dovecot does and with LIST (SPECIAL-USE). UIDVALIDITY, UIDs,
// FETCH, SEARCH, APPEND (with UIDPLUS), IDLE, MOVE and NAMESPACE are
// imapmemserver's.
//
// # POP3
//
// The POP3 server (RFC 1939, CAPA and PIPELINING from RFC 2449, STLS from
// RFC 2595, AUTH PLAIN and XOAUTH2 from RFC 5034, USER/PASS) serves each
// user's INBOX, so mail delivered over SMTP is seen over POP3 too, with
// Dovecot-style unique-ids (UIDVALIDITY and UID in hex). SetMaildrop
// serves a Maildrop the test fills instead: any unique-ids (reused ones
// too), deletions as from another client, and sizes that lie. Every
// session reads a snapshot taken at login. DELE is counted and applied to
// a Maildrop at QUIT; INBOX messages are never removed over POP3.
// POP3Security picks implicit TLS, STLS or none (no STLS offered).
//
// # Counters and faults
//
// AuthAttempts, SMTPConnections and IMAPCommands are counted on the wire
// (IMAP through a relay that sees the decrypted stream and skips literals),
// so they can prove that no password crossed a plaintext connection, that a
// client reused its SMTP connection, and how many IMAP round trips an
// operation cost. DropDuringData and FailAppend inject the ambiguous
// failures a sender must survive without delivering twice. POP3Count,
// POP3Commands and POP3RoundTrips count POP3 commands by verb and the
// round trips clients paid; DropPOP3Retr cuts a RETR off mid-message.
package mailserver
