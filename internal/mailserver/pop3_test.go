package mailserver

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/inboxkit/inboxkit/internal/pop3"
)

func TestPOP3_seesSMTPDelivery(t *testing.T) {
	s := newTestServer(t, &Options{POP3Security: SecurityTLS})
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", bob, bobPass)); err != nil {
		t.Fatal(err)
	}
	if err := send(t, c, bob, []string{alice}, testMessage(bob, alice, "over pop")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, p := s.POP3Addr()
	pc, err := pop3.DialTLS(ctx, fmt.Sprintf("%s:%d", h, p), &pop3.Options{TLSConfig: s.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := pc.Login(ctx, alice, alicePass); err != nil {
		t.Fatal(err)
	}
	ids, err := pc.UIDLAll(ctx)
	if err != nil || len(ids) != 1 || len(ids[0]) != 16 {
		t.Fatalf("UIDLAll = %q, %v; want one 16-hex-digit id", ids, err)
	}
	raw, err := pc.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "Subject: over pop") || !strings.HasPrefix(string(raw), "Return-Path:") {
		t.Errorf("RETR 1 = %q; want the delivered message with its trace fields", raw)
	}
	if got := s.POP3Count("RETR"); got != 1 {
		t.Errorf("POP3Count(RETR) = %d; want 1", got)
	}
}
