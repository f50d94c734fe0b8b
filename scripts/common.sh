# Shared helpers of scripts/mailservers.sh and scripts/postgres.sh, sourced by
# both after they set NAME (the prefix of their log lines). Not run alone.

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
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

# apt_install installs Debian packages without letting their init scripts
# start system-wide daemons, running apt-get update once if the first try
# fails (a fresh machine has no package lists).
apt_install() {
	local guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		guard=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | as_root tee "$guard" >/dev/null
		as_root chmod 0755 "$guard"
	fi
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@")
	if ! as_root "${apt[@]}" >&2; then
		log "install failed; running apt-get update and retrying"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		as_root "${apt[@]}" >&2
	fi
	[ -z "$guard" ] || as_root rm -f "$guard"
}

# free_port prints a TCP port on 127.0.0.1 that nothing answers on, below
# the kernel's ephemeral range (32768+), so that no outgoing connection can
# hold it between choosing and binding.
free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}
