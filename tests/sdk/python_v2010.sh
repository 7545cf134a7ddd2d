#!/usr/bin/env bash
# Drive the emulator generated from Twilio's core API (api_v2010) with
# Twilio's official Python SDK: Messages (60, paged the 2010 way), Calls,
# IncomingPhoneNumbers, Queues, subaccounts, Applications, Addresses.
#
# Usage: tests/sdk/python_v2010.sh
#
# Generates both crates from ../shared/twilio-oai-corpus/twilio_api_v2010.yaml
# into target/sdk-v2010/out (a workspace of its own beside it, with this
# workspace's lockfile), builds its emulator into this workspace's target
# directory, and runs tests/sdk/twilio_python_v2010.py against it through
# tests/sdk/python.sh (which makes the virtualenv and starts and stops the
# emulator).
set -euo pipefail
cd "$(dirname "$0")/../.."

SPEC=../shared/twilio-oai-corpus/twilio_api_v2010.yaml
WORK=target/sdk-v2010
if [ ! -f "$SPEC" ]; then
    echo "python_v2010.sh: $SPEC is missing (../shared beside the checkout)" >&2
    exit 1
fi

mkdir -p "$WORK"
cargo xtask codegen --spec "$SPEC" --out "$WORK/out" --force >/dev/null
cat >"$WORK/Cargo.toml" <<'TOML'
[workspace]
resolver = "2"
members = ["out/twilio-api-v2010", "out/twilio-api-v2010-server"]
TOML
cp Cargo.lock "$WORK/Cargo.lock"
CARGO_TARGET_DIR="$PWD/target" cargo build -q --manifest-path "$WORK/Cargo.toml" \
    -p twilio-api-v2010-server --features emulator

EMULATOR=target/debug/twilio-api-v2010-server exec tests/sdk/python.sh tests/sdk/twilio_python_v2010.py
