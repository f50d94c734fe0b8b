package pgstore

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultSchema is the schema a Store keeps its tables in when
// Options.Schema is empty.
const DefaultSchema = "inboxkit"

// Options configure a Store. The zero value works.
type Options struct {
	// Schema is the PostgreSQL schema holding inboxkit's tables; empty
	// means DefaultSchema. It must be a plain lower-case identifier
	// (letters, digits, '_', not starting with a digit, at most 63 bytes).
	// Migrate creates it.
	Schema string
	// Logger receives retries of transient database errors; nil discards.
	// Nothing pgstore logs carries a stored value.
	Logger *slog.Logger
	// Now, when set, replaces the database clock (now()) in every query
	// that reads or writes a time, for tests. Nil means the database's
	// clock, which all replicas share.
	Now func() time.Time
	// MaxRetries bounds how often one call retries after a serialization
	// failure or a deadlock; zero means 5.
	MaxRetries int
}

// Store keeps inboxkit's state in PostgreSQL, over a pool the host owns.
// It never opens connections of its own beyond what it borrows from the
// pool, and never closes the pool. Call Migrate once at start-up (from any
// number of replicas at once) before using it. A Store is safe for
// concurrent use by many goroutines and many processes.
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	log     *slog.Logger
	now     func() time.Time
	retries int
	queries map[string]string
}

//go:embed sql/*.sql
var queryFS embed.FS

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// New returns a Store over pool. It checks the options and loads its
// queries; it does not touch the database.
func New(pool *pgxpool.Pool, opts *Options) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("pgstore: nil pool")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Schema == "" {
		o.Schema = DefaultSchema
	}
	if !schemaName.MatchString(o.Schema) || strings.HasPrefix(o.Schema, "pg_") {
		return nil, fmt.Errorf("pgstore: schema name %q is not a plain lower-case identifier", o.Schema)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 5
	}
	s := &Store{pool: pool, schema: o.Schema, log: o.Logger, now: o.Now, retries: o.MaxRetries}
	q, err := loadSQL(queryFS, "sql", s.schema)
	if err != nil {
		return nil, err
	}
	s.queries = q
	return s, nil
}

// Schema returns the schema the Store uses.
func (s *Store) Schema() string { return s.schema }

// loadSQL reads every .sql file under dir of fsys, keyed by its name
// without the extension, with the schema placeholder {schema} replaced by
// the quoted schema name. The schema is the only thing ever put into SQL
// text; values always travel as parameters.
func loadSQL(fsys fs.FS, dir, schema string) (map[string]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading embedded SQL: %w", err)
	}
	quoted := pgx.Identifier{schema}.Sanitize()
	out := make(map[string]string, len(ents))
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("pgstore: reading embedded SQL: %w", err)
		}
		out[name] = strings.ReplaceAll(string(b), "{schema}", quoted)
	}
	return out, nil
}

// q returns the query named name. A missing name is a bug in pgstore
// that its tests catch, never bad input.
func (s *Store) q(name string) string {
	sql, ok := s.queries[name]
	if !ok {
		panic("pgstore: no query " + name)
	}
	return sql
}

// clock returns the stubbed time, or nil so that a query's
// coalesce($n, now()) uses the database's clock.
func (s *Store) clock() *time.Time {
	if s.now == nil {
		return nil
	}
	t := s.now()
	return &t
}
