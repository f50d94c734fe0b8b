package provider_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/sendlogtest"
)

func TestMemorySendLog_conformance(t *testing.T) {
	sendlogtest.Run(t, func(*testing.T) provider.SendLog { return provider.NewMemorySendLog() })
}
