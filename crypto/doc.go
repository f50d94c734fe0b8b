// Package crypto keeps inboxkit's credentials safe: the Secret type that
// never prints itself, authenticated sealing with AES-256-CBC and
// HMAC-SHA-512 (RFC 7518 §5.2.5), key rings with rotation, and sealed
// credential stores.
//
// A host seals every connected mailbox's credentials with:
//
//	ring, err := crypto.ParseKeyring(os.Getenv("INBOXKIT_KEYS")) // from the host's secret manager
//	creds, err := crypto.NewCredentialStore(fileOrDatabaseStore, ring)
//	err = creds.Save(ctx, &crypto.Credentials{Kind: "gmail", Account: "ada@example.com", Token: tok})
//
// # Sealing
//
// The cipher is AES_256_CBC_HMAC_SHA_512 of RFC 7518 §5.2.5 (the same
// construction as draft-mcgrew-aead-aes-cbc-hmac-sha2): encrypt-then-MAC
// with a 64-byte key, MAC_KEY = key[0:32], ENC_KEY = key[32:64], PKCS#7
// padding, a 16-byte IV and the tag T = the first 32 bytes of
// HMAC-SHA-512(MAC_KEY, A ‖ IV ‖ C ‖ AL). NewAEAD offers it as a standard
// cipher.AEAD; it passes the known-answer test of RFC 7518 Appendix B.3.
// The tag is checked in constant time before anything is decrypted, so a
// tampered value never reaches the padding check (no padding oracle).
//
// A Keyring seals values in a fixed layout that names the key used:
//
//	0x01 ‖ n ‖ keyID (n bytes) ‖ IV (16) ‖ C ‖ T (32)
//
// with the header authenticated as part of the associated data, followed
// by the caller's own associated data. EncodeText gives the text form
// (unpadded base64url) for hosts that store strings.
//
// # Keys and rotation
//
// ParseKeyring reads a key ring from a string such as an environment
// variable, "id1:base64url,id2:base64url", whose first key seals and
// whose others only open. GenerateKey and FormatKey make new entries. To
// rotate, put a new key first, run SealedStore.ResealAll (or Keyring.Reseal
// value by value, with NeedsReseal or SealedKeyID to find stale ones), then
// drop the old key.
//
// # Stores
//
// A host implements ByteStore (Get, Put, Delete) over its own storage and
// checks it with the crypto/storetest suite; MemoryStore and FileStore are
// provided. SealedStore seals every value with the record key as
// associated data, so a value copied to another record does not open, and
// CredentialStore keeps typed Credentials (an OAuth2 token, or a username
// and password) by provider kind and account address:
//
//	creds, err := crypto.NewCredentialStore(hostStore, ring)
//	err = creds.Save(ctx, &crypto.Credentials{Kind: "smtpimap", Account: addr, Password: pw})
//	c, err := creds.Load(ctx, "smtpimap", addr)
//
// # Errors
//
// Bad keys, key-ring strings, sealed values and stores never cause a panic
// or partial plaintext (only cipher.AEAD misuse panics, as documented on
// NewAEAD, like the standard library's AEADs); errors match
// the package's sentinels with errors.Is: ErrKeySize, ErrKeyring,
// ErrMalformed, ErrUnknownKey, ErrAuthFailed, ErrNotFound, ErrInvalidKey,
// ErrNilStore and ErrInvalidCredentials. They are this package's own (it
// imports nothing else of inboxkit), so crypto.ErrNotFound is distinct from
// provider.ErrNotFound. Error messages never contain key material.
//
// # Concurrency
//
// Keyring, the AEAD from NewAEAD, MemoryStore, FileStore, SealedStore and
// CredentialStore are safe for concurrent use (the last two if the host's
// store is).
package crypto
