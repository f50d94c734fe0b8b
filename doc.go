// Package inboxkit is an embeddable SDK for products that send mail as their
// users through the users' own mailboxes and read back only the replies,
// bounces and auto-replies to that mail.
//
// It is documentation only; the work is done by its packages:
//
//   - provider: the portable contract (Provider, Message, Sent, Incoming,
//     SentIndex, SendLog, account status, errors).
//   - smtpimap, gmail, graph: the three providers.
//   - crypto: Secret, AES-256-CBC + HMAC-SHA-512 sealing, key rings and
//     sealed credential stores.
//   - tracking: the reply / bounce / auto-reply / complaint classifier;
//     tracking/activity: events, stop rules and rates; tracking/beacon:
//     open, click and one-click unsubscribe tracking.
//   - delegation: send-on-behalf grants and the policy that guards them.
//
// A host composes them like this:
//
//	p, err := smtpimap.New(smtpimap.Config{
//		Email:    "ada@example.com",
//		Password: crypto.Secret(password),
//		SMTP:     smtpimap.Server{Host: "smtp.example.com", Port: 587},
//		IMAP:     &smtpimap.Server{Host: "imap.example.com", Port: 993},
//	})
//	if err != nil { ... }
//	if err := p.Verify(ctx); err != nil { ... } // ErrAuth: ask the user again
//	sent, err := p.Send(ctx, &provider.Message{To: ..., Subject: ..., Text: ...})
//	index.Add(provider.RecordOf(p.Account().Email, msg, sent)) // the host's SentIndex
//	batch, err := p.Fetch(ctx, cursor, index) // only mail related to what was sent
//	for _, in := range batch.Messages {
//		res, err := tracking.Classify(ctx, in.Raw, index)
//		...
//	}
//	cursor = batch.Cursor
//
// examples/quickstart runs that whole story against in-process servers.
package inboxkit
