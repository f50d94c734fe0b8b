package delegation

import "context"

// GrantStore keeps grants. Hosts implement it over their own database;
// MemoryStore is the in-memory one, and package grantstoretest is the
// conformance suite an implementation must pass.
//
// Implementations must be safe for concurrent use, and their writes atomic:
//   - Create refuses (ErrConflict) a grant whose ID is taken, and an open
//     grant (Requested or Active) when another open grant joins the same
//     requester and owner — in SQL, a unique index on (requester, owner)
//     over open rows.
//   - CompareAndSwap stores next only if the stored grant's Version still
//     equals prev; of two concurrent swaps from one version exactly one wins
//     and the other gets ErrConflict.
//
// Grants are values: what a method returns must not change when the caller
// or the store later changes its own copy.
type GrantStore interface {
	// Create stores a new grant.
	Create(ctx context.Context, g Grant) error
	// Load returns the grant with this ID, or an error matching
	// provider.ErrNotFound.
	Load(ctx context.Context, id string) (Grant, error)
	// CompareAndSwap replaces the grant next.ID with next if its stored
	// Version is prev; ErrConflict if not, provider.ErrNotFound if there
	// is no such grant.
	CompareAndSwap(ctx context.Context, prev uint64, next Grant) error
	// Between returns every grant from requester to owner, oldest first
	// (by CreatedAt, then ID).
	Between(ctx context.Context, requester, owner string) ([]Grant, error)
	// ForUser returns every grant in which user is the requester or the
	// owner, oldest first (by CreatedAt, then ID).
	ForUser(ctx context.Context, user string) ([]Grant, error)
}
