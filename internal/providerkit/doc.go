// Package providerkit is the implementers' kit behind the portable contract
// in package provider: what gmail, graph and smtpimap (and the packages that
// wrap a Provider) share, and what a host never needs to read.
//
// It holds the at-most-once send ([Deduper], over a host's
// [provider.SendLog]), the retry policy ([Backoff], [Retry],
// [ParseRetryAfter]), the constructors of shared errors ([Invalid], [Errorf],
// [Tag]) and the Message-ID helpers ([NewMessageID], [MessageIDForKey],
// [TrimMessageID], [ParseMessageIDs]).
package providerkit
