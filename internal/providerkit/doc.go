// Package providerkit is the implementers' kit behind the portable contract
// in package provider: what gmail, graph and smtpimap (and the packages that
// wrap a Provider) share, and what a host never needs to read.
//
// It holds the Send path every provider runs ([SendPath]: closed check,
// validation, From check, sending limits, then at-most-once delivery by
// [Deduper] over a host's [provider.SendLog]), the retry policy ([Backoff],
// [Retry], [ParseRetryAfter]), the constructors of shared errors
// ([Invalid], [Errorf], [Tag], [Closed], [NotAllowedFrom]) and the
// Message-ID helpers ([SetMessageID], the one place a sent message's ID is
// chosen, [NewMessageID], [MessageIDForKey], [TrimMessageID],
// [ParseMessageIDs]).
package providerkit
