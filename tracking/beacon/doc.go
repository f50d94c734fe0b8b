// Package beacon tracks opens, clicks and unsubscribes of the mail a host
// sends: signed tokens, a 1×1 pixel, rewritten links and RFC 8058
// one-click List-Unsubscribe, served by one http.Handler.
//
// The three lines a host writes first:
//
//	signer, err := beacon.NewSigner("k1", map[string][]byte{"k1": key})            // 32+ random bytes, kept secret
//	sender, err := beacon.Wrap(p, signer, &beacon.Options{BaseURL: "https://t.example.com/t", Sink: sink})
//	handler, err := beacon.NewHandler(signer, sink, nil)                            // mount at BaseURL
//
// # Sending
//
// [Wrap] decorates any provider.Provider as an [Instrumented] provider: a
// message opted in with [Track] gets a 1×1 open pixel before </body>,
// every http(s) link of its HTML part rewritten to a signed click URL
// (rewritten with the golang.org/x/net/html tokenizer; mailto:, tel:,
// anchors and the unsubscribe link left alone), and RFC 8058 one-click
// List-Unsubscribe and List-Unsubscribe-Post headers. Everything else
// passes through. [Stamp] puts the message's campaign into the SentRecord
// the host stores, so replies and bounces land in the same campaign.
//
// # Tokens
//
// Tokens are compact HMAC-SHA-256 values under a [Signer]'s rotating
// keys; a click token signs its exact target, so the [Handler] never
// redirects anywhere else (no open redirect).
//
// # Serving
//
// The [Handler] serves the pixel (always the GIF, recording only valid
// tokens), clicks and unsubscribes, and records an activity.Event for each
// through the host's activity.Sink. Opens and clicks from image proxies,
// Apple Mail Privacy Protection and link scanners are flagged by a
// [Detector], not dropped.
package beacon
