package graph

import (
	"slices"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// syncSkew allows for the difference between this host's clock, which
// times the delta rounds, and Exchange's, which sets lastModifiedDateTime.
const syncSkew = 5 * time.Minute

// resync starts a folder over after its delta or skip token expired. It
// returns the receivedDateTime the new round starts at, and the test for a
// message the folder's earlier rounds judged.
//
// The new round goes back Options.LookBack before the watermark, so that
// mail moved into the folder since (which keeps its older
// receivedDateTime) is in it. A message in it was judged before when it
// is unchanged since the last complete round began (its
// lastModifiedDateTime is earlier: a move, like a read or a flag, changes
// it) and the watermark has seen its receipt. Anything else is judged,
// except what Fetch returned lately (cursor.Recent), so a reply the user
// has read since is not returned again.
//
// A cursor saved by an earlier version knows no round time: its resync
// starts at the watermark and skips what the watermark has seen, as that
// version did.
func (p *Provider) resync(st *folderState, now time.Time) (time.Time, func(models.Messageable) bool) {
	mark := st.watermark()
	mark.IDs = slices.Clone(mark.IDs)
	if st.Synced.IsZero() {
		return st.Mark, func(m models.Messageable) bool {
			r := m.GetReceivedDateTime()
			if r == nil {
				return slices.Contains(mark.IDs, deref(m.GetId()))
			}
			return mark.Seen(r.UTC(), deref(m.GetId()))
		}
	}
	since := now.Add(-p.lookBack).Truncate(time.Second)
	if st.Mark.Before(since) {
		since = st.Mark
	}
	synced := st.Synced.Add(-syncSkew)
	return since, func(m models.Messageable) bool {
		r, l := m.GetReceivedDateTime(), m.GetLastModifiedDateTime()
		return r != nil && l != nil && !l.After(synced) && mark.Seen(r.UTC(), deref(m.GetId()))
	}
}
