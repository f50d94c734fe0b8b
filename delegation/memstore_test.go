package delegation_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/delegation/grantstoretest"
)

func TestMemoryStore_Conformance(t *testing.T) {
	grantstoretest.Run(t, func(*testing.T) delegation.GrantStore { return delegation.NewMemoryStore() })
}

func TestMemoryStore_ZeroValue(t *testing.T) {
	grantstoretest.Run(t, func(*testing.T) delegation.GrantStore { return new(delegation.MemoryStore) })
}
