package pgstore

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered schema change with its undo.
type migration struct {
	version  int
	name     string
	up, down string
}

// migrateLockKey is the first half of the advisory lock Migrate holds; the
// second is the hash of the schema name, so stores in different schemas
// migrate independently.
const migrateLockKey = 0x1b0c4b17

// migrations returns the embedded migrations, in order, with the schema
// filled in. Files are named NNN_name.up.sql and NNN_name.down.sql.
func (s *Store) migrations() ([]migration, error) {
	files, err := loadSQL(migrationFS, "migrations", s.schema)
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for file, sql := range files {
		base, dir, ok := strings.Cut(file, ".")
		num, name, ok2 := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || !ok2 || err != nil || (dir != "up" && dir != "down") {
			return nil, fmt.Errorf("pgstore: migration file %q is not NNN_name.up.sql or .down.sql", file)
		}
		m := byVersion[v]
		if m == nil {
			m = &migration{version: v, name: name}
			byVersion[v] = m
		}
		if dir == "up" {
			m.up = sql
		} else {
			m.down = sql
		}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.up == "" || m.down == "" {
			return nil, fmt.Errorf("pgstore: migration %03d lacks its up or down file", m.version)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("pgstore: migrations are not numbered 1, 2, 3 …: %03d at position %d", m.version, i+1)
		}
	}
	return out, nil
}

// Migrate brings the schema up to date: it creates the schema when
// missing and applies, in order and in one transaction, every migration
// not applied yet. It is idempotent, and safe when several replicas call
// it at once: they take turns on an advisory lock, and all but the first
// find nothing left to do.
func (s *Store) Migrate(ctx context.Context) error {
	return s.MigrateTo(ctx, -1)
}

// Version returns the newest migration applied, 0 when none is.
func (s *Store) Version(ctx context.Context) (int, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, s.q("migration_table_exists"), s.schema).Scan(&exists); err != nil || !exists {
		return 0, wrap("version", err)
	}
	var v int
	err := s.pool.QueryRow(ctx, s.q("migration_current")).Scan(&v)
	return v, wrap("version", err)
}

// MigrateTo moves the schema to version: up through the migrations not yet
// applied, or down (undoing the newest first) when the schema is newer.
// Version 0 removes every table pgstore made (the schema itself stays);
// a negative version means the newest. Like Migrate it holds the advisory
// lock and runs in one transaction.
func (s *Store) MigrateTo(ctx context.Context, version int) error {
	all, err := s.migrations()
	if err != nil {
		return err
	}
	if version < 0 {
		version = len(all)
	}
	if version > len(all) {
		return fmt.Errorf("pgstore: no migration %d (the newest is %d)", version, len(all))
	}
	return wrap("migrate", s.inTx(ctx, "migrate", pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q("migration_lock"), migrateLockKey, s.schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, s.q("migration_setup")); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, s.q("migration_current")).Scan(&current); err != nil {
			return err
		}
		for _, m := range all {
			if m.version > current && m.version <= version {
				if _, err := tx.Exec(ctx, m.up); err != nil {
					return fmt.Errorf("migration %03d_%s: %w", m.version, m.name, err)
				}
				if _, err := tx.Exec(ctx, s.q("migration_record"), m.version, m.name); err != nil {
					return err
				}
			}
		}
		for i := len(all) - 1; i >= 0; i-- {
			m := all[i]
			if m.version <= current && m.version > version {
				if _, err := tx.Exec(ctx, m.down); err != nil {
					return fmt.Errorf("undoing migration %03d_%s: %w", m.version, m.name, err)
				}
				if _, err := tx.Exec(ctx, s.q("migration_forget"), m.version); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}
