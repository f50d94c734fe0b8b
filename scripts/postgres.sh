#!/usr/bin/env bash
# postgres.sh — a throw-away PostgreSQL for pgstore's tests.
#
#   scripts/postgres.sh install   install Debian's postgresql-15
#   scripts/postgres.sh start     start a new cluster on 127.0.0.1, print the test environment
#   scripts/postgres.sh env       print the test environment of the running cluster again
#   scripts/postgres.sh stop      stop it and remove its directory
#
# Typical use:  scripts/postgres.sh install && eval "$(scripts/postgres.sh start)"
#
# What runs, without systemd: one cluster made by initdb -A trust, owned by the
# system user postgres, in a temporary directory; it listens on 127.0.0.1 only,
# on a free high port, with its Unix socket in its own directory, and with
# fsync off (a test database is thrown away, never recovered).
#
# start prints exactly this line on stdout (everything else goes to stderr):
#   export INBOXKIT_POSTGRES=postgres://postgres@127.0.0.1:PORT/inboxkit?sslmode=disable
#
# Settings (environment): INBOXKIT_POSTGRES_PORT (default: a free port chosen at
# random), INBOXKIT_POSTGRES_STATE (the file that remembers the running
# instance; default /tmp/inboxkit-postgres.state).
# Needs root (or passwordless sudo) for install; start runs the server as postgres.
set -euo pipefail

PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_USER=postgres
DB_NAME=inboxkit
STATE_FILE=${INBOXKIT_POSTGRES_STATE:-/tmp/inboxkit-postgres.state}

NAME=postgres
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"


# as_pg runs a command as the postgres user (the server refuses to run as root).
as_pg() {
	if [ "$(id -un)" = "$PG_USER" ]; then
		"$@"
	else
		as_root runuser -u "$PG_USER" -- "$@"
	fi
}

installed() {
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/postgres" ] &&
		id -u "$PG_USER" >/dev/null 2>&1
}

cmd_install() {
	if installed; then
		log "already installed ($("$PG_BIN/postgres" --version))"
		return 0
	fi
	local t0=$SECONDS
	log "installing postgresql-$PG_VERSION"
	apt_install "postgresql-$PG_VERSION"
	installed || die "package installed but $PG_BIN is incomplete"
	log "installed in $((SECONDS - t0))s"
}

running() {
	[ -f "$STATE_FILE" ] || return 1
	DIR=$(cat "$STATE_FILE")
	[ -d "$DIR" ] && [ -f "$DIR/env" ] || return 1
	as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

cmd_env() {
	running || die "not running (no live instance in $STATE_FILE)"
	cat "$DIR/env"
}

cmd_start() {
	if running; then
		log "already running in $DIR"
		cat "$DIR/env"
		return 0
	fi
	installed || die "not installed: run $0 install"
	local t0
	t0=$(date +%s%N)
	PORT=${INBOXKIT_POSTGRES_PORT:-$(free_port)}
	DIR=$(mktemp -d /tmp/inboxkit-postgres.XXXXXX)
	chmod 0755 "$DIR"
	mkdir -p "$DIR/socket"
	as_root chown "$PG_USER:$PG_USER" "$DIR" "$DIR/socket"
	echo "$DIR" >"$STATE_FILE"
	# Whatever fails from here on, leave nothing running behind.
	trap 'if [ -f "$DIR/env" ]; then :; else log "start failed; stopping what started"; cmd_stop; fi' EXIT

	as_pg "$PG_BIN/initdb" -D "$DIR/data" -A trust -U "$PG_USER" -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$DIR/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$DIR/initdb.log")"
	# The server must not inherit stdout or stderr: a caller reading
	# "$(postgres.sh start)" would wait for it forever.
	as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 30 start -o \
		"-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR/socket \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		</dev/null >>"$DIR/start.log" 2>&1 ||
		die "postgres failed to start: $(tail -5 "$DIR/postgres.log" 2>/dev/null)"
	as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$PG_USER" "$DB_NAME" ||
		die "createdb failed"
	cat >"$DIR/env" <<EOF
export INBOXKIT_POSTGRES=postgres://$PG_USER@127.0.0.1:$PORT/$DB_NAME?sslmode=disable
EOF
	trap - EXIT
	log "started in $((($(date +%s%N) - t0) / 1000000))ms (initdb, start, createdb): 127.0.0.1:$PORT, files in $DIR"
	cat "$DIR/env"
}

cmd_stop() {
	if [ ! -f "$STATE_FILE" ]; then
		log "not running"
		return 0
	fi
	DIR=$(cat "$STATE_FILE")
	if [ -d "$DIR/data" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	case "$DIR" in
	/tmp/inboxkit-postgres.*) as_root rm -rf "$DIR" ;;
	*) log "not removing unexpected directory $DIR" ;;
	esac
	rm -f "$STATE_FILE"
	log "stopped"
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start ;;
env) cmd_env ;;
stop) cmd_stop ;;
*)
	echo "usage: $0 install|start|env|stop" >&2
	exit 2
	;;
esac
