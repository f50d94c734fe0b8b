package engine_test

import (
	"context"
	"testing"

	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/engine/enginetest"
	"github.com/inboxkit/inboxkit/provider"
)

func TestMemoryLeases_conformance(t *testing.T) {
	enginetest.RunLeases(t, func(t *testing.T, clock engine.Clock) engine.Leases {
		return engine.NewMemoryLeases(clock)
	})
}

func TestMemorySink_conformance(t *testing.T) {
	enginetest.RunSink(t, func(t *testing.T) enginetest.SinkHarness {
		s := &engine.MemorySink{}
		return enginetest.SinkHarness{Sink: s, Stored: func(context.Context) ([]engine.Event, error) { return s.Events(), nil }}
	})
}

func TestMemoryCursors_conformance(t *testing.T) {
	enginetest.RunCursorStore(t, func(t *testing.T) provider.CursorStore { return &engine.MemoryCursors{} })
}

func TestMemoryQueue_conformance(t *testing.T) {
	enginetest.RunQueue(t, func(t *testing.T, clock engine.Clock) engine.Queue { return engine.NewMemoryQueue(clock) })
}
