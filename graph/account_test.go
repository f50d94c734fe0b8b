package graph_test

import (
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/graph"
	"github.com/inboxkit/inboxkit/provider"
)

// The owners a mailbox sends on behalf of are not its aliases: Account
// lists none, and a From outside Options.OnBehalfOf is refused before
// anything reaches Graph (TestSendOnBehalf covers a listed owner).
func TestAccount_onBehalfOfIsNotAnAlias(t *testing.T) {
	const owner = "grace@inboxkit.test"
	srv := startFake(t)
	p := newProvider(t, srv, nil, &graph.Options{FromName: "Ada Lovelace", OnBehalfOf: []string{owner}})
	got := p.Account()
	if got.Email != account || got.Name != "Ada Lovelace" || len(got.Aliases) != 0 {
		t.Errorf("Account() = %+v; want %s, Ada Lovelace, no aliases", got, account)
	}
	if got.MaySendAs(owner) {
		t.Errorf("Account().MaySendAs(%s) = true; an on-behalf owner is not an alias", owner)
	}
	m := msg("Not mine")
	m.From = provider.Address{Email: "eve@inboxkit.test"}
	_, err := p.Send(ctx(t), m)
	var pe *provider.Error
	if !errors.Is(err, provider.ErrNotAllowed) || !errors.As(err, &pe) || pe.Field != "From.Email" {
		t.Errorf("Send from an unlisted address = %v; want ErrNotAllowed naming From.Email", err)
	}
	if n := len(srv.Sends()); n != 0 {
		t.Errorf("%d messages reached Graph", n)
	}
}
