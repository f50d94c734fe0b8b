package provider_test

import (
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/provider"
)

// Every provider error matches a sentinel a host can act on.
func ExampleError() {
	err := error(&provider.Error{Op: "verify", Provider: provider.KindSMTPIMAP, Code: provider.ErrAuth, Err: errors.New("535 5.7.8 bad credentials")})
	if errors.Is(err, provider.ErrAuth) {
		fmt.Println("ask the user to reconnect:", err)
	}
	// Output: ask the user to reconnect: smtpimap: verify: authentication failed: 535 5.7.8 bad credentials
}

// Validate refuses header injection before anything reaches a server.
func ExampleMessage_Validate() {
	m := &provider.Message{
		To:      []provider.Address{{Email: "bob@example.com"}},
		Subject: "Hi\r\nBcc: everyone@example.com",
		Text:    "hello",
	}
	err := m.Validate()
	var pe *provider.Error
	fmt.Println(errors.Is(err, provider.ErrInvalid), errors.As(err, &pe) && pe.Field == "Subject")
	// Output: true true
}
