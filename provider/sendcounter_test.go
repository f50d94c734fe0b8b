package provider_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/sendcountertest"
)

func TestMemorySendCounter_conformance(t *testing.T) {
	sendcountertest.Run(t, func(*testing.T) provider.SendCounter { return &provider.MemorySendCounter{} })
}
