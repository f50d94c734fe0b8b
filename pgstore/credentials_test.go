package pgstore_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/crypto/storetest"
	"github.com/inboxkit/inboxkit/pgstore/internal/pgtest"
)

func TestCredentials_storetest(t *testing.T) {
	pool := pgtest.Pool(t)
	storetest.Run(t, func(t *testing.T) crypto.ByteStore { return newStoreOn(t, pool, nil).Credentials() })
}
