// Package oidcjwt verifies OpenID Connect ID tokens signed with RS256, as
// Google signs the tokens it attaches to Cloud Pub/Sub push requests: the
// compact JWT is parsed (Parse), its signature checked against the issuer's
// published JSON Web Key Set (Keys: fetched through an injectable HTTP
// client, cached by key id for as long as the response's Cache-Control
// max-age allows, fetched again when a token names an unknown key), and its
// claims checked (Verifier: issuer, audience, expiry with a small skew,
// e-mail and email_verified). Only the standard library is used.
package oidcjwt
