package engine_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/provider"
)

// TestScale is the scale harness, not a unit test: it runs many accounts
// in this one process against in-process servers and prints what they
// cost. It runs only when asked:
//
//	INBOXKIT_SCALE=10000 go test ./engine -run 'TestScale$' -v -timeout 30m
//
// INBOXKIT_SCALE_MODE=push or idle runs one mode only; INBOXKIT_SCALE_IDLE
// sets the account count for IMAP IDLE mode (default: INBOXKIT_SCALE, capped
// by the file limit). In IDLE mode the mail server runs in a child process
// (see TestScaleServer), so the figures are the engine side's alone; in
// push mode the fake Gmail servers share this process but are set up
// before the baseline is taken.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("INBOXKIT_SCALE"))
	if n <= 0 {
		t.Skip("scale harness: run with INBOXKIT_SCALE=10000 go test ./engine -run 'TestScale$' -v -timeout 30m")
	}
	limit := raiseFileLimit(t)
	mode := os.Getenv("INBOXKIT_SCALE_MODE")
	if mode == "" || mode == "push" {
		t.Run("push", func(t *testing.T) {
			runScale(t, n, func(t *testing.T) scaleWorld { return gmailScale{newGmailWorld(t, n)} })
		})
	}
	if mode == "" || mode == "idle" {
		m := n
		if v, _ := strconv.Atoi(os.Getenv("INBOXKIT_SCALE_IDLE")); v > 0 {
			m = v
		}
		// An smtpimap account keeps three TLS connections open (SMTP from
		// Verify, IMAP for Fetch, IMAP for IDLE): three descriptors here,
		// the server's ends being in the child process.
		if most := int(limit-500) / 3; m > most {
			t.Logf("IDLE mode: %d accounts need ~%d file descriptors in this process; the hard limit is %d, so running %d", m, 3*m, limit, most)
			m = most
		}
		t.Run("idle", func(t *testing.T) {
			runScale(t, m, func(t *testing.T) scaleWorld { return newRemoteIMAP(t, m) })
		})
	}
}

// scaleWorld is the accounts and a way to make a reply arrive in one.
type scaleWorld interface {
	engine.Accounts
	index() provider.SentIndex
	accounts() []string
	deliver(t testing.TB, account string) string
	// push reports whether the host learns of new mail from outside (a
	// Gmail Pub/Sub push or a Graph webhook) and calls Kick.
	push() bool
}

type gmailScale struct{ *gmailWorld }

func (g gmailScale) index() provider.SentIndex                   { return g.gmailWorld.index }
func (g gmailScale) accounts() []string                          { return g.ids }
func (g gmailScale) deliver(t testing.TB, account string) string { return g.reply(t, account) }
func (g gmailScale) push() bool                                  { return true }

// arrivals records when each message's event reached the sink.
type arrivals struct {
	engine.MemorySink
	mu sync.Mutex
	at map[string]time.Time
}

func (a *arrivals) Deliver(ctx context.Context, events []engine.Event) error {
	now := time.Now()
	a.mu.Lock()
	for _, e := range events {
		if _, ok := a.at[e.MessageID]; !ok {
			a.at[e.MessageID] = now
		}
	}
	a.mu.Unlock()
	return a.MemorySink.Deliver(ctx, events)
}

func (a *arrivals) arrived(mid string) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.at[mid]
	return t, ok
}

type countStatus struct {
	mu     sync.Mutex
	active map[string]bool
}

func (c *countStatus) SetStatus(ctx context.Context, account string, st provider.AccountState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active[account] = st.Status == provider.StatusActive
	return nil
}

func (c *countStatus) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ok := range c.active {
		if ok {
			n++
		}
	}
	return n
}

func runScale(t *testing.T, n int, build func(t *testing.T) scaleWorld) {
	began := time.Now()
	w := build(t)
	t.Logf("%d accounts and their servers set up in %s", n, time.Since(began).Round(time.Millisecond))
	base := measure()

	sink := &arrivals{at: map[string]time.Time{}}
	status := &countStatus{active: map[string]bool{}}
	const maxFetches = 32
	e, stop := start(t, engine.Options{
		Accounts: w, Cursors: &engine.MemoryCursors{}, SentIndex: w.index(), Sink: sink, Status: status,
		MaxFetches: maxFetches, PollInterval: time.Hour,
	})
	began = time.Now()
	waitForLong(t, "every account verified and fetched once", 20*time.Minute, func() bool {
		return status.count() == n && e.Stats().Fetches >= uint64(n)
	})
	t.Logf("started: %d accounts verified and fetched in %s (max %d Fetches at once)", n, time.Since(began).Round(time.Millisecond), e.Stats().MaxFetching)
	time.Sleep(3 * time.Second) // a measurement window, not a wait for a condition: let idle HTTP connections close (1s idle timeout)
	idle := measure()
	per := func(a, b uint64) float64 { return float64(int64(b)-int64(a)) / float64(n) / 1024 }
	t.Logf("idle per account: heap %.1f KiB, goroutine stacks %.1f KiB, heap+stacks %.1f KiB, RSS %.1f KiB; goroutines %d (%.2f per account)",
		per(base.heap, idle.heap), per(base.stack, idle.stack), per(base.heap+base.stack, idle.heap+idle.stack), per(base.rss, idle.rss),
		idle.goroutines, float64(idle.goroutines-base.goroutines)/float64(n))

	cpu0, wall0 := cpuTime(), time.Now()
	time.Sleep(10 * time.Second) // the idle CPU measurement window
	idleCPU := float64(cpuTime()-cpu0) / float64(time.Since(wall0)) * 100
	t.Logf("idle CPU: %.2f%% of one core (this process)", idleCPU)

	// 100 replies spread over the accounts, 20ms apart.
	ids := w.accounts()
	sent := map[string]time.Time{}
	var order []string
	for i := range 100 {
		acct := ids[i*len(ids)/100]
		t0 := time.Now()
		mid := w.deliver(t, acct)
		if w.push() {
			e.Kick(acct) // what the host's push handler does
		}
		sent[mid] = t0
		order = append(order, mid)
		time.Sleep(20 * time.Millisecond) // pacing the deliveries, not waiting for them
	}
	waitForLong(t, "100 replies", 2*time.Minute, func() bool {
		for _, mid := range order {
			if _, ok := sink.arrived(mid); !ok {
				return false
			}
		}
		return true
	})
	var lat []time.Duration
	for _, mid := range order {
		at, _ := sink.arrived(mid)
		lat = append(lat, at.Sub(sent[mid]))
	}
	slices.Sort(lat)
	t.Logf("delivery → event for 100 replies: p50 %s, p99 %s, max %s", lat[49].Round(time.Microsecond), lat[98].Round(time.Microsecond), lat[99].Round(time.Microsecond))

	// Every account woken at once.
	before := e.Stats().Fetches
	began = time.Now()
	for _, acct := range ids {
		e.Kick(acct)
	}
	waitForLong(t, "a Fetch for every kick", 20*time.Minute, func() bool { return e.Stats().Fetches >= before+uint64(n) })
	st := e.Stats()
	t.Logf("%d simultaneous kicks: %d Fetches in %s, at most %d at once (limit %d)", n, st.Fetches-before, time.Since(began).Round(time.Millisecond), st.MaxFetching, maxFetches)
	if st.MaxFetching > maxFetches {
		t.Errorf("MaxFetching = %d; want ≤ %d", st.MaxFetching, maxFetches)
	}
	began = time.Now()
	stop()
	t.Logf("stopped in %s", time.Since(began).Round(time.Millisecond))
}

type snapshot struct {
	heap, stack, rss uint64
	goroutines       int
}

func measure() snapshot {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return snapshot{heap: ms.HeapAlloc, stack: ms.StackInuse, rss: rss(), goroutines: runtime.NumGoroutine()}
}

func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// raiseFileLimit raises RLIMIT_NOFILE, as a host running thousands of
// mailboxes does: to 200,000 where the process may raise its hard limit
// (CAP_SYS_RESOURCE), else to the hard limit. It returns the new limit.
func raiseFileLimit(t *testing.T) uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	if want := (syscall.Rlimit{Cur: 200_000, Max: 200_000}); lim.Max < want.Max && syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
		t.Logf("RLIMIT_NOFILE raised to %d", want.Cur)
		return want.Cur
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("setrlimit: %v", err)
	}
	t.Logf("RLIMIT_NOFILE raised to %d", lim.Cur)
	return lim.Cur
}

func waitForLong(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		<-tick.C
	}
}

var _ = fmt.Sprint
