package delegation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/delegation"
	"github.com/inboxkit/inboxkit/delegation/grantstoretest"
	"github.com/inboxkit/inboxkit/provider"
)

func TestMemoryStore_Conformance(t *testing.T) {
	grantstoretest.Run(t, func(*testing.T) delegation.GrantStore { return delegation.NewMemoryStore() })
}

func TestMemoryStore_ZeroValue(t *testing.T) {
	grantstoretest.Run(t, func(*testing.T) delegation.GrantStore { return new(delegation.MemoryStore) })
}

func TestMemoryStore_PartiesAreFixed(t *testing.T) {
	ctx := context.Background()
	s := delegation.NewMemoryStore()
	g := delegation.Grant{ID: "g1", Requester: "rita", Owner: "max", State: delegation.GrantActive, Version: 1}
	if err := s.Create(ctx, g); err != nil {
		t.Fatal(err)
	}
	moved := g
	moved.Requester, moved.Version = "sam", 2
	if err := s.CompareAndSwap(ctx, 1, moved); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("CompareAndSwap(new requester) = %v; want ErrInvalid", err)
	}
	if gs, _ := s.Between(ctx, "sam", "max"); len(gs) != 0 {
		t.Errorf("Between(sam, max) = %v; want none", gs)
	}
	if err := s.Create(ctx, delegation.Grant{Requester: "a", Owner: "b"}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("Create(no ID) = %v; want ErrInvalid", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Load(cancelled, "g1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(cancelled ctx) = %v; want context.Canceled", err)
	}
}
