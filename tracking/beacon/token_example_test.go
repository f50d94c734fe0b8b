package beacon_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/tracking/beacon"
)

func ExampleSigner_Verify() {
	keys := map[string][]byte{
		"2026a": []byte("an old key that still verifies tokens"),
		"2026b": []byte("the new primary key that signs tokens!"),
	}
	s, err := beacon.NewSigner("2026b", keys)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := beacon.Claims{Kind: beacon.TokenClick, MessageID: "m1@example.com", Recipient: "ann@example.org", Expires: now.Add(24 * time.Hour)}
	tok, err := s.Sign(c, "https://example.org/pricing")
	if err != nil {
		log.Fatal(err)
	}
	got, err := s.Verify(tok, beacon.TokenClick, "https://example.org/pricing", now)
	fmt.Println(got.MessageID, got.Recipient, err)
	_, err = s.Verify(tok, beacon.TokenClick, "https://evil.example/", now)
	fmt.Println(errors.Is(err, beacon.ErrTokenInvalid))
	_, err = s.Verify(tok, beacon.TokenClick, "https://example.org/pricing", now.Add(48*time.Hour))
	fmt.Println(errors.Is(err, beacon.ErrTokenExpired))
	// Output:
	// m1@example.com ann@example.org <nil>
	// true
	// true
}
