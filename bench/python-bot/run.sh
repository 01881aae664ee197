#!/usr/bin/env bash
# Starts the Python SDK bot on 127.0.0.1:${PORT:-8090} with one uvicorn
# worker, in a virtual environment under target/ (made on first run).
# Plain uvicorn (asyncio + h11, what `pip install fastapi uvicorn` runs)
# by default; FAST=1 uses uvloop and httptools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/../../target/python-bot-venv"
if [ ! -x "$venv/bin/uvicorn" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
if [ "${FAST:-0}" = 1 ]; then
  flavour=(--loop uvloop --http httptools)
else
  flavour=(--loop asyncio --http h11)
fi
export LINE_CHANNEL_SECRET="${LINE_CHANNEL_SECRET:-load-channel-secret}"
cd "$here"
exec "$venv/bin/uvicorn" bot:app --host 127.0.0.1 --port "${PORT:-8090}" \
  --log-level warning --no-access-log "${flavour[@]}"
