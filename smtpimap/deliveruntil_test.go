package smtpimap_test

import (
	"testing"
	"time"
)

// deliverUntilNoted delivers new mail with deliver until Watch notifies,
// instead of sleeping for IDLE to begin: mail delivered before the watch
// is idling may go unnoticed, the next one is not, however slow the
// machine (#12 item 11). It fails after 15 seconds without a note.
func deliverUntilNoted(t *testing.T, notes <-chan struct{}, deliver func() error, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if err := deliver(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-notes:
			return
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("no notification %s", what)
}
