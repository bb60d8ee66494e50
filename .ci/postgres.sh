#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (issue #20): a new data
# directory, listening on a Unix socket inside that directory with trust
# authentication for the database user "cunwu", and on 127.0.0.1:5432 (TCP,
# as the service hall's windows reach their server; nothing reachable from
# another machine) with a password only (scram-sha-256) for the user
# "cunwu_lan", whose URL, password included, is written to DIR/tcp_url. When
# that port cannot be had (another server on this machine), the server
# listens on its socket only and DIR/tcp_url is not written (the TCP tests
# are skipped, saying why). fsync off (test data only; CUNWU_PG_DURABLE=1
# keeps PostgreSQL's durable defaults, for benchmarks).
#
#   .ci/postgres.sh start DIR   # initdb + start + create database; prints the URL
#   .ci/postgres.sh stop DIR    # stop the server and delete DIR
#
# DIR must be new or empty and short (a socket path is limited to ~100 bytes),
# e.g. "$(mktemp -d /tmp/cunwu-pg.XXXXXX)". The binaries are looked up in
# $PG_BIN, then /usr/lib/postgresql/<newest>/bin, then $PATH; when none is
# found and we are root, Debian's postgresql package is installed.
# initdb refuses to run as root: as root, the server runs as the "postgres"
# user (created by the package) or "nobody", which owns DIR.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [[ -z "$cmd" || -z "$dir" ]]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi

find_bin() {
    if [[ -n "${PG_BIN:-}" && -x "$PG_BIN/initdb" ]]; then
        echo "$PG_BIN"
        return
    fi
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$newest" && -x "$newest/initdb" ]]; then
        echo "$newest"
        return
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

bin="$(find_bin)"
if [[ -z "$bin" && "$cmd" == start ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "PostgreSQL not found: install Debian's postgresql package or set PG_BIN" >&2
        exit 1
    fi
    echo "installing Debian's postgresql package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    bin="$(find_bin)"
fi

as_owner=()
if [[ "$(id -u)" == 0 ]]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    as_owner=(runuser -u "$owner" --)
fi

case "$cmd" in
start)
    mkdir -p "$dir"
    chmod 0700 "$dir"
    [[ ${#as_owner[@]} -gt 0 ]] && chown "$owner" "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U cunwu --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # the socket: trust; TCP from this machine: a password, never trust
    printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 scram-sha-256" >"$dir/data/pg_hba.conf"
    opts="-c unix_socket_directories='$dir' -c max_connections=200 -c password_encryption=scram-sha-256"
    if [[ "${CUNWU_PG_DURABLE:-}" != 1 ]]; then  # benchmarks set it: durable like SQLite's synchronous=FULL
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    tcp=1
    if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "$opts -c listen_addresses='127.0.0.1'" start >/dev/null; then
        echo "PostgreSQL: 127.0.0.1:5432 not available, socket only (the TCP tests are skipped)" >&2
        tcp=0
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "$opts -c listen_addresses=''" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    "${as_owner[@]}" "$bin/createdb" -h "$dir" -U cunwu cunwu_test
    if [[ "$tcp" == 1 ]]; then
        pw="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
        "${as_owner[@]}" "$bin/psql" -h "$dir" -U cunwu -d cunwu_test -q -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE cunwu_lan LOGIN CREATEDB PASSWORD '$pw'" >/dev/null
        "${as_owner[@]}" "$bin/createdb" -h "$dir" -U cunwu -O cunwu_lan cunwu_lan
        echo "postgresql+psycopg://cunwu_lan:$pw@127.0.0.1:5432/cunwu_lan" >"$dir/tcp_url"
    fi
    echo "postgresql+psycopg://cunwu@/cunwu_test?host=$dir"
    ;;
stop)
    if [[ -d "$dir/data" && -n "$bin" ]]; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
