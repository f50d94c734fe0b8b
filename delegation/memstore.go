package delegation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
)

// MemoryStore is a GrantStore in memory, for tests and single-process
// hosts. It is safe for concurrent use; the zero value is empty and ready.
type MemoryStore struct {
	mu     sync.Mutex
	grants map[string]Grant
}

var _ GrantStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Create stores g; ErrConflict when its ID is taken or another open grant
// joins the same pair.
func (s *MemoryStore) Create(ctx context.Context, g Grant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if g.ID == "" {
		return provider.Invalid("Grant.ID", "is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.grants[g.ID]; ok {
		return fmt.Errorf("%w: grant %s exists", ErrConflict, g.ID)
	}
	if err := s.openConflict(g); err != nil {
		return err
	}
	if s.grants == nil {
		s.grants = make(map[string]Grant)
	}
	s.grants[g.ID] = g
	return nil
}

// openConflict refuses an open grant when another open grant joins the
// same pair. The caller holds s.mu.
func (s *MemoryStore) openConflict(g Grant) error {
	if !g.State.Open() {
		return nil
	}
	for _, o := range s.grants {
		if o.ID != g.ID && o.State.Open() && o.Requester == g.Requester && o.Owner == g.Owner {
			return fmt.Errorf("%w: grant %s is open for the same pair", ErrConflict, o.ID)
		}
	}
	return nil
}

// Load returns the grant with this ID.
func (s *MemoryStore) Load(ctx context.Context, id string) (Grant, error) {
	if err := ctx.Err(); err != nil {
		return Grant{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.grants[id]
	if !ok {
		return Grant{}, &provider.Error{Op: "load grant", Code: provider.ErrNotFound, Err: fmt.Errorf("delegation: no grant %q", id)}
	}
	return g, nil
}

// CompareAndSwap stores next if the stored version is prev.
func (s *MemoryStore) CompareAndSwap(ctx context.Context, prev uint64, next Grant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.grants[next.ID]
	if !ok {
		return &provider.Error{Op: "update grant", Code: provider.ErrNotFound, Err: fmt.Errorf("delegation: no grant %q", next.ID)}
	}
	if cur.Version != prev {
		return fmt.Errorf("%w: grant %s is at version %d, not %d", ErrConflict, next.ID, cur.Version, prev)
	}
	if err := s.openConflict(next); err != nil {
		return err
	}
	s.grants[next.ID] = next
	return nil
}

// Between returns the grants from requester to owner, oldest first.
func (s *MemoryStore) Between(ctx context.Context, requester, owner string) ([]Grant, error) {
	return s.filter(ctx, func(g Grant) bool { return g.Requester == requester && g.Owner == owner })
}

// ForUser returns the grants user is a party to, oldest first.
func (s *MemoryStore) ForUser(ctx context.Context, user string) ([]Grant, error) {
	return s.filter(ctx, func(g Grant) bool { return g.Requester == user || g.Owner == user })
}

func (s *MemoryStore) filter(ctx context.Context, keep func(Grant) bool) ([]Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []Grant
	for _, g := range s.grants {
		if keep(g) {
			out = append(out, g)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Grant) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}
