package delegation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/inboxkit/inboxkit/internal/providerkit"
	"github.com/inboxkit/inboxkit/provider"
)

// MemoryStore is a GrantStore in memory, for tests and single-process
// hosts. It is safe for concurrent use; the zero value is empty and ready.
type MemoryStore struct {
	mu     sync.Mutex
	grants map[string]Grant
	// Indexes of grant IDs; requester and owner never change after Create.
	byPair map[[2]string][]string // (requester, owner) → IDs
	byUser map[string][]string    // either party → IDs
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
		return providerkit.Invalid("Grant.ID", "is empty")
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
		s.byPair = make(map[[2]string][]string)
		s.byUser = make(map[string][]string)
	}
	s.grants[g.ID] = g
	pair := [2]string{g.Requester, g.Owner}
	s.byPair[pair] = append(s.byPair[pair], g.ID)
	s.byUser[g.Requester] = append(s.byUser[g.Requester], g.ID)
	if g.Owner != g.Requester {
		s.byUser[g.Owner] = append(s.byUser[g.Owner], g.ID)
	}
	return nil
}

// openConflict refuses an open grant when another open grant joins the
// same pair. The caller holds s.mu.
func (s *MemoryStore) openConflict(g Grant) error {
	if !g.State.Open() {
		return nil
	}
	for _, id := range s.byPair[[2]string{g.Requester, g.Owner}] {
		if o := s.grants[id]; o.ID != g.ID && o.State.Open() {
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
	if next.Requester != cur.Requester || next.Owner != cur.Owner {
		return providerkit.Invalid("Grant", "a grant's requester and owner cannot change")
	}
	if err := s.openConflict(next); err != nil {
		return err
	}
	s.grants[next.ID] = next
	return nil
}

// Between returns the grants from requester to owner, oldest first.
func (s *MemoryStore) Between(ctx context.Context, requester, owner string) ([]Grant, error) {
	return s.list(ctx, func() []string { return s.byPair[[2]string{requester, owner}] })
}

// ForUser returns the grants user is a party to, oldest first.
func (s *MemoryStore) ForUser(ctx context.Context, user string) ([]Grant, error) {
	return s.list(ctx, func() []string { return s.byUser[user] })
}

// list returns the grants whose IDs ids reads (under s.mu), sorted.
func (s *MemoryStore) list(ctx context.Context, ids func() []string) ([]Grant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	idList := ids()
	out := make([]Grant, 0, len(idList))
	for _, id := range idList {
		out = append(out, s.grants[id])
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
