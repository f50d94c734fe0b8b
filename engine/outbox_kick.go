package engine

// KickOutbox asks account's send loop to look at the Queue again now. The
// engine does so by itself for sends scheduled or cancelled through this
// Engine; replicas sharing a Queue call it when another replica scheduled
// a send for an account that may run here, since a send loop with nothing
// pending waits for a Schedule (pgstore's Queue.Listen reports sends
// scheduled anywhere). It reports whether the account runs here.
func (e *Engine) KickOutbox(account string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.known[account]
	if m == nil || m.run == nil {
		return false
	}
	m.run.signal(m.run.sendWake)
	return true
}
