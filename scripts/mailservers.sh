#!/usr/bin/env bash
# mailservers.sh — real mail servers for inboxkit's integration tests.
#
#   scripts/mailservers.sh install   install Dovecot (IMAP + POP3 + LMTP), Postfix and openssl (Debian packages)
#   scripts/mailservers.sh start     start them on 127.0.0.1 high ports, print the test environment
#   scripts/mailservers.sh env       print the test environment of the running servers again
#   scripts/mailservers.sh stop      stop them and remove their temporary directory
#
# Typical use:  scripts/mailservers.sh install && eval "$(scripts/mailservers.sh start)"
#
# What runs, without systemd:
#   Dovecot  IMAP on 127.0.0.1:$IMAP_PORT, STARTTLS, no plaintext authentication
#            (ssl = required), passwd-file users, Maildir under the temporary
#            directory owned by the system user inboxkit-mail, INBOX plus
#            Sent (\Sent), Drafts, Junk and Trash; LMTP on a unix socket for
#            delivery and an auth socket for Postfix.
#            POP3 on 127.0.0.1:$POP3_PORT (STLS) and 127.0.0.1:$POP3S_PORT
#            (implicit TLS, the 995 style), same users, same Maildir: mail
#            Postfix delivers is seen over IMAP and POP3 alike.
#   Postfix  submission on 127.0.0.1:$SMTP_PORT (its own config directory,
#            postfix -c DIR): STARTTLS required before anything else, AUTH
#            (SASL through Dovecot) only over TLS, every recipient needs an
#            authenticated client; recipients at $MAIL_DOMAIN are delivered
#            into Dovecot over LMTP (unknown ones refused at RCPT), mail for
#            any other domain is accepted and discarded, never relayed.
#
# start prints exactly these lines on stdout (everything else goes to stderr):
#   export INBOXKIT_REAL_SMTP=127.0.0.1:PORT
#   export INBOXKIT_REAL_IMAP=127.0.0.1:PORT
#   export INBOXKIT_REAL_POP3=127.0.0.1:PORT    (STLS)
#   export INBOXKIT_REAL_POP3S=127.0.0.1:PORT   (implicit TLS)
#   export INBOXKIT_REAL_USERS=user1@domain:pass1,user2@domain:pass2,...
#   export INBOXKIT_REAL_CA=/path/to/cert.pem   (the self-signed server certificate)
#   export INBOXKIT_REAL_SERVERS=1
#
# Settings (environment): INBOXKIT_REAL_SMTP_PORT, INBOXKIT_REAL_IMAP_PORT,
# INBOXKIT_REAL_POP3_PORT, INBOXKIT_REAL_POP3S_PORT (default: free ports chosen at random), INBOXKIT_MAIL_STATE (the file that
# remembers the running instance; default /tmp/inboxkit-mailservers.state).
# Needs root (or passwordless sudo) for install and start.
set -euo pipefail

MAIL_DOMAIN=inboxkit.test
MAIL_USER=inboxkit-mail
STATE_FILE=${INBOXKIT_MAIL_STATE:-/tmp/inboxkit-mailservers.state}
USERS=(
	"alice@${MAIL_DOMAIN}:alice-Secret-1"
	"bob@${MAIL_DOMAIN}:bob-Secret-2"
	"carol@${MAIL_DOMAIN}:carol-Secret-3"
)

log() { printf 'mailservers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -n "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

installed() {
	command -v dovecot >/dev/null 2>&1 &&
		[ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/pop3 ] && [ -x /usr/lib/dovecot/lmtp ] &&
		command -v postfix >/dev/null 2>&1 && [ -x /usr/lib/postfix/sbin/master ] &&
		command -v openssl >/dev/null 2>&1
}

cmd_install() {
	if installed; then
		log "already installed"
		return 0
	fi
	local pkgs=(postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl)
	log "installing ${pkgs[*]}"
	echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
	# Keep the packages' own init scripts from starting system-wide daemons.
	local guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		guard=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | as_root tee "$guard" >/dev/null
		as_root chmod 0755 "$guard"
	fi
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${pkgs[@]}")
	if ! as_root "${apt[@]}" >&2; then
		log "install failed; running apt-get update and retrying"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		as_root "${apt[@]}" >&2
	fi
	[ -z "$guard" ] || as_root rm -f "$guard"
	installed || die "packages installed but binaries are missing"
}

# free_port prints a TCP port on 127.0.0.1 that nothing answers on.
free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 12000)) # below the kernel's ephemeral range (32768+), so no outgoing connection holds it
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

wait_port() {
	local port=$1 name=$2 i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "$name did not start listening on 127.0.0.1:$port (logs in $DIR)"
}

running() {
	[ -f "$STATE_FILE" ] || return 1
	DIR=$(cat "$STATE_FILE")
	[ -d "$DIR" ] && [ -f "$DIR/env" ] || return 1
	[ -f "$DIR/run/master.pid" ] && kill -0 "$(cat "$DIR/run/master.pid")" 2>/dev/null
}

cmd_env() {
	running || die "not running (no live instance in $STATE_FILE)"
	cat "$DIR/env"
}

write_dovecot_conf() {
	local uid gid
	uid=$(id -u "$MAIL_USER")
	gid=$(id -g "$MAIL_USER")
	cat >"$DIR/dovecot.conf" <<EOF
# Generated by scripts/mailservers.sh for inboxkit's integration tests.
protocols = imap pop3 lmtp
listen = 127.0.0.1
base_dir = $DIR/run
state_dir = $DIR/state
instance_name = inboxkit-$(basename "$DIR")
log_path = $DIR/dovecot.log
info_log_path = $DIR/dovecot.log

ssl = required
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_username_format = %Lu

first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
mail_location = maildir:$DIR/mail/%d/%n/Maildir
mail_privileged_group =

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $DIR/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$DIR/mail/%d/%n
}

namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $POP3S_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@$MAIL_DOMAIN
}
EOF
	: >"$DIR/users"
	: >"$DIR/vmailbox"
	local u
	for u in "${USERS[@]}"; do
		printf '%s:%s\n' "${u%%:*}" "${u#*:}" >>"$DIR/users"
		printf '%s OK\n' "${u%%:*}" >>"$DIR/vmailbox"
	done
	chown root:dovecot "$DIR/users"
	chmod 0640 "$DIR/users"
}

write_postfix_conf() {
	local pf=$DIR/postfix
	mkdir -p "$pf" "$DIR/postfix-spool" "$DIR/postfix-data"
	chown postfix:postfix "$DIR/postfix-data"
	cat >"$pf/main.cf" <<EOF
# Generated by scripts/mailservers.sh for inboxkit's integration tests.
compatibility_level = 3.6
queue_directory = $DIR/postfix-spool
data_directory = $DIR/postfix-data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$MAIL_DOMAIN
mydomain = $MAIL_DOMAIN
myorigin = \$mydomain
mydestination =
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = $DIR/postfix.log
maillog_file_prefixes = $DIR
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no

# Local users are Dovecot's, delivered over LMTP; everything else is
# accepted and thrown away, never relayed.
virtual_mailbox_domains = $MAIL_DOMAIN
virtual_mailbox_maps = texthash:$DIR/vmailbox
virtual_transport = lmtp:unix:$DIR/run/lmtp
default_transport = discard:relay to other domains is disabled in tests
relay_transport = discard:relay to other domains is disabled in tests

# Submission: TLS before anything, AUTH only over TLS, through Dovecot.
smtpd_tls_cert_file = $DIR/cert.pem
smtpd_tls_key_file = $DIR/key.pem
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DIR/run/auth-postfix
broken_sasl_auth_clients = no
smtpd_client_restrictions = permit_sasl_authenticated, reject
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_helo_required = yes
message_size_limit = 52428800
EOF
	cat >"$pf/master.cf" <<EOF
# service            type  private unpriv chroot wakeup maxproc command
127.0.0.1:$SMTP_PORT inet  n       -      n      -      -       smtpd
pickup               unix  n       -      n      60     1       pickup
cleanup              unix  n       -      n      -      0       cleanup
qmgr                 unix  n       -      n      300    1       qmgr
tlsmgr               unix  -       -      n      1000?  1       tlsmgr
rewrite              unix  -       -      n      -      -       trivial-rewrite
bounce               unix  -       -      n      -      0       bounce
defer                unix  -       -      n      -      0       bounce
trace                unix  -       -      n      -      0       bounce
verify               unix  -       -      n      -      1       verify
flush                unix  n       -      n      1000?  0       flush
proxymap             unix  -       -      n      -      -       proxymap
proxywrite           unix  -       -      n      -      1       proxymap
smtp                 unix  -       -      n      -      -       smtp
relay                unix  -       -      n      -      -       smtp
showq                unix  n       -      n      -      -       showq
error                unix  -       -      n      -      -       error
retry                unix  -       -      n      -      -       error
discard              unix  -       -      n      -      -       discard
lmtp                 unix  -       -      n      -      -       lmtp
anvil                unix  -       -      n      -      1       anvil
scache               unix  -       -      n      -      1       scache
postlog              unix-dgram n  -      n      -      1       postlogd
EOF
}

cmd_start() {
	if running; then
		log "already running in $DIR"
		cat "$DIR/env"
		return 0
	fi
	installed || die "not installed: run $0 install"
	[ "$(id -u)" -eq 0 ] || die "start must run as root (Dovecot and Postfix drop privileges themselves)"
	local t0=$SECONDS
	if ! id -u "$MAIL_USER" >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$MAIL_USER"
	fi

	SMTP_PORT=${INBOXKIT_REAL_SMTP_PORT:-$(free_port)}
	IMAP_PORT=${INBOXKIT_REAL_IMAP_PORT:-$(free_port)}
	[ "$SMTP_PORT" != "$IMAP_PORT" ] || IMAP_PORT=$(free_port)
	POP3_PORT=${INBOXKIT_REAL_POP3_PORT:-$(free_port)}
	POP3S_PORT=${INBOXKIT_REAL_POP3S_PORT:-$(free_port)}
	local used=" $SMTP_PORT $IMAP_PORT "
	while [[ $used == *" $POP3_PORT "* ]]; do POP3_PORT=$(free_port); done
	used+="$POP3_PORT "
	while [[ $used == *" $POP3S_PORT "* ]]; do POP3S_PORT=$(free_port); done
	DIR=$(mktemp -d /tmp/inboxkit-mail.XXXXXX)
	chmod 0755 "$DIR"
	mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail"
	chown "$MAIL_USER:$MAIL_USER" "$DIR/mail"
	chmod 0700 "$DIR/mail"

	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
		-subj "/CN=localhost" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=serverAuth" \
		-keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
	chmod 0644 "$DIR/cert.pem"
	chmod 0600 "$DIR/key.pem"

	write_dovecot_conf
	write_postfix_conf
	echo "$DIR" >"$STATE_FILE"
	# Whatever fails from here on, leave nothing running behind.
	trap 'if [ -f "$DIR/env" ]; then :; else log "start failed; stopping what started"; cmd_stop; fi' EXIT

	# The daemons must not inherit stdout or stderr: a caller reading
	# "$(mailservers.sh start)" would wait for them forever.
	dovecot -c "$DIR/dovecot.conf" </dev/null >>"$DIR/start.log" 2>&1 ||
		die "dovecot failed to start: $(cat "$DIR/start.log"); see $DIR/dovecot.log"
	local i
	for i in $(seq 1 50); do
		[ -S "$DIR/run/auth-postfix" ] && [ -S "$DIR/run/lmtp" ] && break
		sleep 0.1
	done
	postfix -c "$DIR/postfix" start </dev/null >>"$DIR/start.log" 2>&1 ||
		die "postfix failed to start: $(cat "$DIR/start.log"); see $DIR/postfix.log"
	wait_port "$IMAP_PORT" dovecot
	wait_port "$POP3_PORT" "dovecot pop3"
	wait_port "$POP3S_PORT" "dovecot pop3s"
	wait_port "$SMTP_PORT" postfix

	local users
	users=$(IFS=,; echo "${USERS[*]}")
	cat >"$DIR/env" <<EOF
export INBOXKIT_REAL_SMTP=127.0.0.1:$SMTP_PORT
export INBOXKIT_REAL_IMAP=127.0.0.1:$IMAP_PORT
export INBOXKIT_REAL_POP3=127.0.0.1:$POP3_PORT
export INBOXKIT_REAL_POP3S=127.0.0.1:$POP3S_PORT
export INBOXKIT_REAL_USERS=$users
export INBOXKIT_REAL_CA=$DIR/cert.pem
export INBOXKIT_REAL_SERVERS=1
EOF
	trap - EXIT
	log "started in $((SECONDS - t0))s: submission 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT, POP3 127.0.0.1:$POP3_PORT (STLS) and :$POP3S_PORT (TLS), files in $DIR"
	cat "$DIR/env"
}

cmd_stop() {
	if [ ! -f "$STATE_FILE" ]; then
		log "not running"
		return 0
	fi
	DIR=$(cat "$STATE_FILE")
	if [ -d "$DIR/postfix" ]; then
		postfix -c "$DIR/postfix" stop </dev/null >/dev/null 2>&1 ||
			postfix -c "$DIR/postfix" abort </dev/null >/dev/null 2>&1 || true
	fi
	local pid="" i
	if [ -f "$DIR/run/master.pid" ]; then
		pid=$(cat "$DIR/run/master.pid")
		kill "$pid" 2>/dev/null || true
	fi
	local ppid=""
	[ -f "$DIR/postfix-data/master.lock" ] && ppid=$(tr -d ' ' <"$DIR/postfix-data/master.lock" 2>/dev/null || true)
	for i in $(seq 1 50); do
		{ [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } &&
			{ [ -z "$ppid" ] || ! kill -0 "$ppid" 2>/dev/null; } && break
		sleep 0.1
	done
	case "$DIR" in
	/tmp/inboxkit-mail.*) rm -rf "$DIR" ;;
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
