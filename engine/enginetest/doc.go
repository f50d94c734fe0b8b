// Package enginetest holds the conformance suites for the stores the
// engine needs (RunLeases, RunSink, RunCursorStore, RunQueue), so that the in-memory
// stores of package engine, pgstore, and any store a host writes prove
// themselves against the same tests, and a fake Clock for tests of code
// that runs on the engine's time.
//
// A host runs a suite from its own test:
//
//	func TestLeases(t *testing.T) {
//		enginetest.RunLeases(t, func(t *testing.T, clock engine.Clock) engine.Leases {
//			return mystore.NewLeases(db, clock)
//		})
//	}
package enginetest
