package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/engine"
	"github.com/inboxkit/inboxkit/pgstore"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A host opens its pool as it always does, gives it to pgstore, migrates
// once at start-up (every replica may), and hands the stores to inboxkit.
// The example needs a database, so go test compiles it but does not run
// it; the package's tests run the same calls against INBOXKIT_POSTGRES.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(pool, &pgstore.Options{Schema: "inboxkit"})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	// What was sent, so that replies are recognised after a restart.
	err = store.Add(ctx, provider.SentRecord{
		Account: "ada@example.com", MessageID: "m1@example.com", ThreadID: "t1",
		Recipients: []string{"bob@example.org"}, Subject: "Hello", SentAt: time.Now(),
	})
	if err != nil {
		log.Fatal(err)
	}
	rec, err := store.ByMessageID(ctx, "<m1@example.com>")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Account)

	// Credentials sealed before they reach the table.
	ring, err := crypto.ParseKeyring(os.Getenv("INBOXKIT_KEYS"))
	if err != nil {
		log.Fatal(err)
	}
	creds, err := crypto.NewSealedStore(store.Credentials(), ring)
	if err != nil {
		log.Fatal(err)
	}
	if err := creds.Put(ctx, "smtpimap/ada@example.com", []byte("app-password")); err != nil {
		log.Fatal(err)
	}

	// Providers take the shared pieces through their options:
	// provider.SendLog (store), provider.SendCounter (store.Counters()),
	// and an oauth2.TokenSource from store.Tokens(ring).
}

// Each replica of a host runs the engine over the same database: the
// store keeps the cursors, the sent index and the events, and FairLeases
// give each replica its share of the mailboxes. Compiled, not run: it
// needs a database and the host's accounts.
func Example_engine() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(pool, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	var accounts engine.Accounts // the host's: lists mailboxes, opens providers
	e, err := engine.New(engine.Options{
		Accounts: accounts, Cursors: store, SentIndex: store, Sink: store.Events(),
		Leases: store.FairLeases(), Holder: os.Getenv("HOSTNAME"),
	})
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = e.Run(ctx) }()

	// The host follows the event table.
	events, err := store.Events().After(ctx, 0, 100)
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range events {
		fmt.Println(ev.Seq, ev.Account, ev.Kind, ev.Result.Text)
	}
}
