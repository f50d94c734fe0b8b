package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/smtpimap"
)

// connect plays the "connect your inbox" screen: the password is sealed
// before it is stored, a wrong one is refused by Verify, the right one
// makes the account Active.
func connect(ctx context.Context, w io.Writer, wd *world) (*smtpimap.Provider, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	ring, err := crypto.NewKeyring("k1", map[string][]byte{"k1": key})
	if err != nil {
		return nil, err
	}
	store := &crypto.MemoryStore{} // a host puts its own database here
	creds, err := crypto.NewCredentialStore(store, ring)
	if err != nil {
		return nil, err
	}
	if err := creds.Save(ctx, &crypto.Credentials{Kind: string(provider.KindSMTPIMAP), Account: senderEmail, Password: crypto.Secret(senderPass)}); err != nil {
		return nil, err
	}
	blob, err := store.Get(ctx, crypto.CredentialKey(string(provider.KindSMTPIMAP), senderEmail))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "2. Credentials    sealed with AES-256-CBC + HMAC-SHA-512 under key k1: %d bytes at rest, starting %x…\n", len(blob), blob[:6])

	// A typo first: Verify says ErrAuth, so the host never saves it.
	bad := wd.config(senderEmail)
	bad.Password = crypto.Secret("wrong password")
	if p, err := smtpimap.New(bad); err == nil {
		verr := p.Verify(ctx)
		p.Close()
		st := provider.AccountStateOf(verr, time.Now())
		fmt.Fprintf(w, "3. Connect        wrong password → status %s, ErrAuth=%v, ask the user again\n", st.Status, errors.Is(verr, provider.ErrAuth))
	}

	loaded, err := creds.Load(ctx, string(provider.KindSMTPIMAP), senderEmail)
	if err != nil {
		return nil, err
	}
	cfg := wd.config(senderEmail)
	cfg.FromName = "Ada Lovelace"
	cfg.Password = loaded.Password
	p, err := smtpimap.New(cfg)
	if err != nil {
		return nil, err
	}
	verr := p.Verify(ctx)
	st := provider.AccountStateOf(verr, time.Now())
	if verr != nil {
		p.Close()
		return nil, verr
	}
	fmt.Fprintf(w, "                  %s (credentials loaded: %v) → status %s\n", senderEmail, loaded, st.Status)
	return p, nil
}
