#!/usr/bin/env bash
# Drive an emulator with Twilio's official Python SDK (twilio-python).
#
# Usage: tests/sdk/python.sh [DRIVER]
#   DRIVER                                 the driver script (default tests/sdk/twilio_python.py, the Users APIs)
#   EMULATOR=path/to/twilio-users-server   the emulator binary (default target/debug/twilio-users-server)
#
# This script does not build the emulator: .ci/run builds it first with
#   cargo build -p twilio-users-server --features emulator
# It makes a virtualenv at target/tools/venv-sdk with twilio==9.13.0 from PyPI,
# starts the emulator on a free port, runs the driver against it,
# stops the emulator whatever happens, and exits with the driver's status.
set -euo pipefail
cd "$(dirname "$0")/../.."

TWILIO_PYTHON_VERSION=9.13.0
ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
AUTH_TOKEN=sdk-token
EMULATOR=${EMULATOR:-target/debug/twilio-users-server}
DRIVER=${1:-tests/sdk/twilio_python.py}
VENV=target/tools/venv-sdk

if [ ! -x "$EMULATOR" ]; then
    echo "python.sh: no emulator binary at $EMULATOR" >&2
    echo "python.sh: build it with: cargo build -p twilio-users-server --features emulator (or set EMULATOR)" >&2
    exit 1
fi

# The SDK, in a virtualenv of its own.
if [ ! -x "$VENV/bin/python" ]; then
    PYTHON=$(command -v python3.11 || command -v python3)
    echo "python.sh: creating $VENV with $PYTHON"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import sys, twilio; sys.exit(twilio.__version__ != '$TWILIO_PYTHON_VERSION')" 2>/dev/null; then
    echo "python.sh: installing twilio==$TWILIO_PYTHON_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "twilio==$TWILIO_PYTHON_VERSION"
fi

# The emulator is on loopback: never send its traffic through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

WORK=$(mktemp -d)
EMULATOR_PID=
cleanup() {
    if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$EMULATOR" --port 0 --account "$ACCOUNT_SID:$AUTH_TOKEN" >"$WORK/stdout" 2>"$WORK/stderr" &
EMULATOR_PID=$!

# It prints "... listening on http://127.0.0.1:PORT ..." once the socket is bound.
BASE_URL=
for _ in $(seq 1 200); do
    BASE_URL=$(grep -m1 -o 'listening on http://[^[:space:]]*' "$WORK/stdout" 2>/dev/null | sed 's/^listening on //' || true)
    [ -n "$BASE_URL" ] && break
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
        echo "python.sh: the emulator ($EMULATOR) exited before it was listening; its output:" >&2
        cat "$WORK/stdout" "$WORK/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$BASE_URL" ]; then
    echo "python.sh: the emulator ($EMULATOR) printed no 'listening on http://...' line within 20 s; its output:" >&2
    cat "$WORK/stdout" "$WORK/stderr" >&2
    exit 1
fi
echo "python.sh: emulator $EMULATOR listening on $BASE_URL"

status=0
"$VENV/bin/python" "$DRIVER" "$BASE_URL" "$ACCOUNT_SID" "$AUTH_TOKEN" || status=$?
if [ "$status" -ne 0 ] && [ -s "$WORK/stderr" ]; then
    echo "python.sh: the driver failed (status $status); the emulator's stderr, last 40 lines:" >&2
    tail -n 40 "$WORK/stderr" >&2
fi
exit "$status"
