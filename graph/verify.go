package graph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/inboxkit/inboxkit/provider"
)

// Verify reads /me and checks it is the mailbox this Provider was made
// for: its mail address, or its userPrincipalName when mail is empty (as
// for some personal accounts), must equal Options.Email
// (ErrAccountMismatch otherwise). A revoked token is ErrAuth.
func (p *Provider) Verify(ctx context.Context) error {
	if err := p.checkOpen("verify"); err != nil {
		return err
	}
	got, err := p.signedInAs(ctx)
	if err != nil {
		return err
	}
	if !strings.EqualFold(got, p.email) {
		return &provider.Error{Op: "verify", Provider: provider.KindGraph, Code: provider.ErrAccountMismatch, Err: mismatchError(p.email, got)}
	}
	return nil
}

// signedInAs returns the signed-in user's address: mail, else
// userPrincipalName.
func (p *Provider) signedInAs(ctx context.Context) (string, error) {
	var addr string
	err := p.call(ctx, "verify", func(ctx context.Context) error {
		me, err := p.me.Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"mail", "userPrincipalName", "displayName"}},
		})
		if err != nil {
			return err
		}
		addr = deref(me.GetMail())
		if addr == "" {
			addr = deref(me.GetUserPrincipalName())
		}
		return nil
	})
	return addr, err
}
