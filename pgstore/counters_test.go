package pgstore_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/sendcountertest"
)

func TestCounters_sendcountertest(t *testing.T) {
	pool := pgtest.Pool(t)
	sendcountertest.Run(t, func(t *testing.T) provider.SendCounter { return newStoreOn(t, pool, nil).Counters() })
}
