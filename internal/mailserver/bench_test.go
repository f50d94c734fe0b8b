package mailserver

import (
	"testing"

	"github.com/emersion/go-sasl"
)

// BenchmarkSMTP_Send measures one message over a reused connection versus
// a new connection (STARTTLS + AUTH) per message.
func BenchmarkSMTP_Send(b *testing.B) {
	s := newTestServer(b, nil)
	msg := testMessage(alice, "x@other.test", "bench")
	b.Run("reused", func(b *testing.B) {
		c := dialSMTP(b, s)
		if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := send(b, c, alice, []string{"x@other.test"}, msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dial-each", func(b *testing.B) {
		for b.Loop() {
			c := dialSMTP(b, s)
			if err := c.Auth(sasl.NewPlainClient("", alice, alicePass)); err != nil {
				b.Fatal(err)
			}
			if err := send(b, c, alice, []string{"x@other.test"}, msg); err != nil {
				b.Fatal(err)
			}
			c.Quit()
		}
	})
}
