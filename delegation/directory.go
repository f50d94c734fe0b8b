package delegation

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
)

// MemoryDirectory is a Directory in memory. It is safe for concurrent use;
// the zero value is empty and ready.
type MemoryDirectory struct {
	mu     sync.RWMutex
	owners map[string]string // lower-cased address → user
}

var _ Directory = (*MemoryDirectory)(nil)

// Connect records that user connected the mailbox address, replacing any
// earlier owner.
func (d *MemoryDirectory) Connect(address, user string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.owners == nil {
		d.owners = make(map[string]string)
	}
	d.owners[strings.ToLower(strings.TrimSpace(address))] = user
}

// Disconnect forgets the mailbox address.
func (d *MemoryDirectory) Disconnect(address string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.owners, strings.ToLower(strings.TrimSpace(address)))
}

// MailboxOwner returns the user who connected address.
func (d *MemoryDirectory) MailboxOwner(ctx context.Context, address string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	user, ok := d.owners[strings.ToLower(strings.TrimSpace(address))]
	if !ok {
		return "", &provider.Error{Op: "mailbox owner", Code: provider.ErrNotFound, Err: fmt.Errorf("delegation: mailbox %s is not connected", address)}
	}
	return user, nil
}
