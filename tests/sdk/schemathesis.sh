#!/usr/bin/env bash
# Fuzz the Users emulator with Schemathesis against the project's own specs.
#
# Usage: tests/sdk/schemathesis.sh [extra `st run` options, e.g. --baseline FILE]
#   EMULATOR=path/to/twilio-users-server   the emulator binary (default target/debug/twilio-users-server)
#
# This script does not build the emulator: build it first with
#   cargo build -p twilio-users-server --features emulator
# It makes a virtualenv at target/tools/venv-schemathesis with schemathesis==4.32.5 from
# PyPI, then for each of specs/chat_v2.yaml and specs/conversations_v1.yaml starts a fresh
# emulator on a free port, runs `st run` against it, and stops it whatever happens. It
# exits non-zero when Schemathesis reports a failure (or an error) for either spec.
# Reports (NDJSON events, JUnit XML, a HAR of every exchange) go to target/schemathesis/<spec>-<pass>/.
#
# What runs, and why:
# - Every check, in two passes per spec. The first runs all of them (`--checks all`) but
#   the two that judge input validation against the schema (positive_data_acceptance,
#   negative_data_rejection): not_a_server_error, status_code_conformance,
#   content_type_conformance, response_headers_conformance, response_schema_conformance,
#   missing_required_header, unsupported_method, allow_header_conformance, use_after_free,
#   ensure_resource_availability, ignored_auth and object_level_authorization.
#   The second runs those two against the spec with what the emulator enforces and OpenAPI
#   3.0 cannot say of this API written in (overlay.py, below): `PageSize` above its `maximum`
#   is served as pages of the maximum (Twilio's SDKs send their limit as the page size, and
#   Twilio pages on), so no maximum; a `PageToken` is one the server handed out (`PT<n>`),
#   or empty (none); an integer is a 64-bit one, as the emitted Rust types hold it;
#   `Attributes` is a JSON object (prose in the spec); an `Identity` holds no control
#   characters. Any other disagreement (an empty `PageToken` refused, say) is ours and fails.
#   object_level_authorization needs two users that must not see each other's records: the
#   emulator gets a second account (each account sees only its own records) and both are
#   given to Schemathesis as Web Fuzzing Commons "peers", each a fixed HTTP basic
#   `Authorization` header. The first, AC0123...:st-token, makes every ordinary request.
# - Every phase (examples, coverage, fuzzing, stateful), positive and negative data.
# - Bounded and repeatable: a fixed --max-examples and --seed, one worker (requests in a
#   fixed order against a fresh emulator), no Hypothesis example database and no
#   Schemathesis cache (which would replay the previous run's requests first).
#   --continue-on-failure, so an operation's first failure does not hide its others.
# - generation.allow-extra-parameters = false: otherwise Schemathesis counts a query
#   parameter the spec does not declare as invalid input that must be rejected. OpenAPI
#   does not say undeclared parameters are forbidden, and Twilio ignores unknown
#   parameters (query and form alike), as the emulator does.
# - Output is not sanitized: the credentials are this script's throwaway ones, and the
#   sanitizer also blanks parameters named like secrets (PageToken), which breaks the
#   printed curl reproductions.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
AUTH_TOKEN=st-token
# A second account, only for object_level_authorization's cross-account probes.
PEER_ACCOUNT_SID=ACfedcba9876543210fedcba9876543210
PEER_AUTH_TOKEN=st-peer-token
MAX_EXAMPLES=100
SEED=20240601
SPECS=(specs/chat_v2.yaml specs/conversations_v1.yaml)
EMULATOR=${EMULATOR:-target/debug/twilio-users-server}
VENV=target/tools/venv-schemathesis
REPORTS=target/schemathesis

if [ ! -x "$EMULATOR" ]; then
    echo "schemathesis.sh: no emulator binary at $EMULATOR" >&2
    echo "schemathesis.sh: build it with: cargo build -p twilio-users-server --features emulator (or set EMULATOR)" >&2
    exit 1
fi
EMULATOR=$(cd "$(dirname "$EMULATOR")" && pwd)/$(basename "$EMULATOR")

# Schemathesis, in a virtualenv of its own.
if [ ! -x "$VENV/bin/python" ]; then
    PYTHON=$(command -v python3.11 || command -v python3)
    echo "schemathesis.sh: creating $VENV with $PYTHON"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
fi
if [ "$("$VENV/bin/st" --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    echo "schemathesis.sh: installing schemathesis==$SCHEMATHESIS_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST=$(pwd)/$VENV/bin/st

# The emulator is on loopback: never send its traffic through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

WORK=$(mktemp -d)
EMULATOR_PID=
stop_emulator() {
    if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    EMULATOR_PID=
}
cleanup() {
    stop_emulator
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts a fresh emulator (records in memory) and sets BASE_URL from the line it prints.
start_emulator() {
    "$EMULATOR" --port 0 --account "$ACCOUNT_SID:$AUTH_TOKEN" --account "$PEER_ACCOUNT_SID:$PEER_AUTH_TOKEN" \
        >"$WORK/stdout" 2>"$WORK/stderr" &
    EMULATOR_PID=$!
    # It prints "... listening on http://127.0.0.1:PORT ..." once the socket is bound.
    BASE_URL=
    for _ in $(seq 1 200); do
        BASE_URL=$(grep -m1 -o 'listening on http://[^[:space:]]*' "$WORK/stdout" 2>/dev/null | sed 's/^listening on //' || true)
        [ -n "$BASE_URL" ] && break
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            echo "schemathesis.sh: the emulator ($EMULATOR) exited before it was listening; its output:" >&2
            cat "$WORK/stdout" "$WORK/stderr" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ -z "$BASE_URL" ]; then
        echo "schemathesis.sh: the emulator ($EMULATOR) printed no 'listening on http://...' line within 20 s; its output:" >&2
        cat "$WORK/stdout" "$WORK/stderr" >&2
        exit 1
    fi
    echo "schemathesis.sh: emulator $EMULATOR listening on $BASE_URL"
}

# The two identities, as Web Fuzzing Commons auth entries: HTTP basic, fixed headers.
basic() { printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 | tr -d '\n')"; }
cat >"$WORK/auth.json" <<EOF
{
  "schemaVersion": "1.0.0",
  "auth": [
    {"name": "owner", "fixedHeaders": [{"name": "Authorization", "value": "$(basic "$ACCOUNT_SID" "$AUTH_TOKEN")"}]},
    {"name": "peer", "fixedHeaders": [{"name": "Authorization", "value": "$(basic "$PEER_ACCOUNT_SID" "$PEER_AUTH_TOKEN")"}]}
  ]
}
EOF
cat >"$WORK/schemathesis.toml" <<EOF
# See the comment at the top of tests/sdk/schemathesis.sh for each setting's reason.
[cache]
enabled = false

[generation]
database = "none"
allow-extra-parameters = false

[auth.wfc]
path = "$WORK/auth.json"
user = "owner"
peers = ["owner", "peer"]
EOF

# The spec with the emulator's rules OpenAPI 3.0 cannot state written in (see the top).
cat >"$WORK/overlay.py" <<'EOF'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
for item in spec["paths"].values():
    for op in item.values():
        if not isinstance(op, dict):
            continue
        for p in op.get("parameters", []):
            if p.get("name") == "PageSize":
                p["schema"].pop("maximum", None)
            if p.get("name") == "PageToken":
                p["schema"]["pattern"] = "^(PT[0-9]+)?$"
            if p.get("schema", {}).get("type") == "integer":
                p["schema"].setdefault("maximum", 2**63 - 1)
        form = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
        props = form.get("schema", {}).get("properties", {})
        if "Attributes" in props:
            props["Attributes"]["enum"] = ["{}", '{"team":"blue"}']
        if "Identity" in props:
            props["Identity"]["pattern"] = "^[^\\x00-\\x1f\\x7f-\\x9f]+$"
yaml.safe_dump(spec, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
EOF

# Pass one: every check but the two validation ones, against the spec as it is; pass two:
# those two against the spec with the emulator's rules written in. The bar: no 5xx, every
# answer documented and of its schema, and every input the spec (so amended) allows accepted
# and every one it refuses refused.
overall=0
for pass in all validation; do
for spec in "${SPECS[@]}"; do
    name=$(basename "$spec" .yaml)
    out=$REPORTS/$name-$pass
    rm -rf "$out"
    mkdir -p "$out"
    if [ "$pass" = all ]; then
        file=$(pwd)/$spec
        checks=(--checks all --exclude-checks positive_data_acceptance,negative_data_rejection)
    else
        file=$WORK/$name.yaml
        "$VENV/bin/python" "$WORK/overlay.py" "$spec" "$file"
        checks=(--checks positive_data_acceptance,negative_data_rejection)
    fi
    start_emulator
    # `st` writes Hypothesis' scratch directory (.hypothesis) into its working directory: the report one.
    cmd=("$ST" --config-file "$WORK/schemathesis.toml" run "$file"
        --url "$BASE_URL"
        "${checks[@]}"
        --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers 1
        --continue-on-failure
        --request-timeout 10
        --output-sanitize false --output-truncate false
        --report ndjson,junit,har --report-dir "$(pwd)/$out"
        "$@")
    echo "schemathesis.sh: $spec ($pass): ${cmd[*]}"
    status=0
    (cd "$out" && "${cmd[@]}") || status=$?
    if [ "$status" -ne 0 ]; then
        echo "schemathesis.sh: $spec: schemathesis exited with status $status" >&2
        if [ -s "$WORK/stderr" ]; then
            echo "schemathesis.sh: the emulator's stderr, last 40 lines:" >&2
            tail -n 40 "$WORK/stderr" >&2
        fi
        overall=1
    fi
    stop_emulator
done
done
exit "$overall"
