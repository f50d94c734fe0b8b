// Package crypto keeps inboxkit's credentials safe: the Secret type that
// never prints itself, authenticated sealing with AES-256-CBC and
// HMAC-SHA-512 (RFC 7518 §5.2.5), key rings with rotation, and sealed
// credential stores.
package crypto
