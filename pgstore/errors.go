package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/inboxkit/inboxkit/provider"
	"github.com/jackc/pgx/v5/pgconn"
)

// wrap puts the operation's name on a database error. Errors that retrying
// later may cure (a lost connection, a server shutting down, too many
// connections, a serialization failure or deadlock that outlived the
// retries) also match provider.ErrTemporary, so the engine backs off.
//
// Nothing here adds a value to the message: a *pgconn.PgError prints its
// severity, message and SQLSTATE but not its Detail (which can quote a
// row), and pgx's connect errors name the host and user, never the
// password.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	if transient(err) {
		return &provider.Error{Op: "pgstore: " + op, Code: provider.ErrTemporary, Err: err}
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

// retryable reports a failure that running the same transaction again
// cures: a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// transient reports a failure that may go away later.
func transient(err error) bool {
	if retryable(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return true
		}
		return false
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.As(err, &ne) || errors.As(err, &ce)
}
