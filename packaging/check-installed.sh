#!/usr/bin/env bash
# Checks an installed leakguard package from outside, as an administrator
# would meet it: the unit verifies, the package made its user, its private
# data directory and its key, and the installed binary's `doctor --fix`
# makes a fake LINE channel ready (the installed `serve` answers LINE's
# signed test call). Usage: check-installed.sh FAKE_LINE_BINARY
set -euo pipefail
fake_bin=$1
fail() { echo "check-installed: $*" >&2; exit 1; }

systemd-analyze verify /usr/lib/systemd/system/leakguard.service
getent passwd leakguard >/dev/null || fail "no leakguard user"
[ "$(stat -c %a:%U /var/lib/leakguard)" = "700:leakguard" ] || fail "/var/lib/leakguard is not 0700 leakguard"
[ "$(stat -c %a:%U /etc/leakguard/leakguard.key)" = "600:leakguard" ] || fail "the key is not 0600 leakguard"
[ "$(stat -c %a:%G /etc/leakguard/leakguard.env)" = "640:leakguard" ] || fail "the secrets file is not 0640 root:leakguard"
/usr/bin/leakguard --version

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

secret=check-installed-secret
token=check-installed-token
"$fake_bin" "$secret" "$token" > "$work/fake.out" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/fake.out" ] && break; sleep 0.1; done
api=$(head -n1 "$work/fake.out")
[ -n "$api" ] || fail "the fake LINE did not start"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

install -d -m 0700 -o leakguard -g leakguard "$work/data"
cat > "$work/leakguard.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
public_url = "http://127.0.0.1:$port"
[line]
api_base = "$api"
data_api_base = "$api"
[store]
url = "sqlite://$work/data/leakguard.db"
[report]
officers = ["U0fficer00000000000000000000000001"]
TOML
cat > "$work/leakguard.env" <<ENV
LINE_CHANNEL_SECRET=$secret
LINE_CHANNEL_ACCESS_TOKEN=$token
LEAKGUARD_ADMIN_TOKEN=check-installed-admin-token
LEAKGUARD_HASH_KEY_FILE=/etc/leakguard/leakguard.key
ENV
chown -R leakguard:leakguard "$work"
chmod 0640 "$work/leakguard.env"

as_service() { runuser -u leakguard -- env OMP_THREAD_LIMIT=1 "$@"; }
# The installed server, as the service's user, with the package's key.
(set -a; . "$work/leakguard.env"; set +a; as_service /usr/bin/leakguard serve --config "$work/leakguard.toml") > "$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/serve.log"; fail "the installed server did not become ready"; }

echo "== leakguard doctor (not ready: the webhook URL is not set)"
if as_service /usr/bin/leakguard doctor --config "$work/leakguard.toml" --env-file "$work/leakguard.env"; then
  fail "doctor said ready before the webhook URL was set"
fi
echo "== leakguard doctor --fix"
as_service /usr/bin/leakguard doctor --config "$work/leakguard.toml" --env-file "$work/leakguard.env" --fix
echo "== leakguard doctor (ready)"
as_service /usr/bin/leakguard doctor --config "$work/leakguard.toml" --env-file "$work/leakguard.env"
echo "check-installed: ok"
