#!/usr/bin/env bash
# The emulator under an outside load generator (wrk), beside the least an
# HTTP server can do for the same answers: `constant_server` (tests/examples)
# answers a fetch, a create and a list of /v1/Users with the bytes the
# emulator gave for them, with no authentication, parsing or store, on
# axum's own serve loop. Release builds of both, the same allocator.
#
#   tests/benches/wrk.sh            # 5 rounds of 5 s per operation and server
#   ROUNDS=3 SECONDS_EACH=3 tests/benches/wrk.sh
#
# Each round starts both servers afresh (the emulator with 50 users) and
# runs, per operation, `wrk -t2 -c50 --latency` against one server then the
# other, the order turning each round. Reported: the medians of requests/s,
# p50 and p99 over the rounds, and the median and range of the rounds' own
# emulator / baseline ratios. Any answer that is not 2xx fails the bench (a
# bench that measured errors would measure nothing). Also reported: each
# server's CPU time per request (user and system, from /proc/PID/stat around
# each run), steadier across runs than requests/s on a shared machine, and
# the baseline's CPU per request over the emulator's. Installs wrk with
# apt-get when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/timing.sh
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-5}
ACCOUNT=AC0000000000000000000000000000000a
TOKEN=token-a

if ! command -v wrk > /dev/null; then
  if [ "$(id -u)" = 0 ]; then apt_get=apt-get; else apt_get="sudo apt-get"; fi
  $apt_get install -y -q wrk > /dev/null 2>&1 || { $apt_get update -q > /dev/null && $apt_get install -y -q wrk > /dev/null; }
fi
cargo build -q --release -p twilio-users-server --features emulator
cargo build -q --release -p tests --example constant_server
emulator=$PWD/target/release/twilio-users-server
baseline=$PWD/target/release/examples/constant_server

work=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
auth="Basic $(printf '%s:%s' "$ACCOUNT" "$TOKEN" | base64 -w0)"

# free_port: a loopback port nothing listens on now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT: until something answers there (20 s at most).
wait_port() {
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "wrk.sh: nothing listening on port $1" >&2
  exit 1
}

# start_servers: both servers, the emulator holding 50 users; sets E and B
# (their base URLs) and SID (one user's).
start_servers() {
  local ep bp
  ep=$(free_port)
  "$emulator" --port "$ep" --account "$ACCOUNT:$TOKEN" > "$work/emulator.log" 2>&1 &
  pids+=($!)
  emulator_pid=$!
  wait_port "$ep"
  E=http://127.0.0.1:$ep
  for i in $(seq 1 50); do
    curl -sf -u "$ACCOUNT:$TOKEN" -d "Identity=seed-$i" -d 'FriendlyName=Load Test' "$E/v1/Users" > "$work/create.json"
  done
  SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sid"])' "$work/create.json")
  curl -sf -u "$ACCOUNT:$TOKEN" "$E/v1/Users/$SID" > "$work/fetch.json"
  curl -sf -u "$ACCOUNT:$TOKEN" "$E/v1/Users?PageSize=50" > "$work/list.json"
  bp=$(free_port)
  "$baseline" "$bp" "$work/fetch.json" "$work/create.json" "$work/list.json" > "$work/baseline.log" 2>&1 &
  pids+=($!)
  baseline_pid=$!
  wait_port "$bp"
  B=http://127.0.0.1:$bp
}

# The create script: every request a new identity (wrk's threads count apart).
cat > "$work/create.lua" << 'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, "Identity=load-" .. tid .. "-" .. n .. "&FriendlyName=Load%20Test")
end
LUA

# to_ms VALUE: wrk's latency ("512.00us", "1.20ms", "1.01s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# cpu_ticks PID: the process's user and system time so far, in clock ticks.
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# load NAME OP URL PID: one wrk run against the server PID; appends
# "rps p50 p99 user_us sys_us" (CPU µs per request) to $work/NAME-OP.
load() {
  local name=$1 op=$2 url=$3 pid=$4 out script=() u0 s0 u1 s1
  [ "$op" = create ] && script=(-s "$work/create.lua")
  read -r u0 s0 < <(cpu_ticks "$pid")
  out=$(wrk -t2 -c50 -d"${SECONDS_EACH}s" --latency "${script[@]}" -H "Authorization: $auth" "$url")
  read -r u1 s1 < <(cpu_ticks "$pid")
  if grep -q 'Non-2xx\|Socket errors' <<< "$out"; then
    echo "wrk.sh: $name $op answered errors:" >&2
    echo "$out" >&2
    exit 1
  fi
  local rps p50 p99 requests user sys
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
  requests=$(awk '/requests in/ {print $1}' <<< "$out")
  user=$(echo "($u1 - $u0) * 1000000 / $hz / $requests" | bc -l)
  sys=$(echo "($s1 - $s0) * 1000000 / $hz / $requests" | bc -l)
  echo "$rps $p50 $p99 $user $sys" >> "$work/$name-$op"
}

for round in $(seq 1 "$ROUNDS"); do
  start_servers
  for op in fetch create list; do
    case $op in
      fetch) path="/v1/Users/$SID" ;;
      create) path="/v1/Users" ;;
      list) path="/v1/Users?PageSize=50" ;;
    esac
    if [ $((round % 2)) = 1 ]; then
      load emulator "$op" "$E$path" "$emulator_pid"
      load baseline "$op" "$B$path" "$baseline_pid"
    else
      load baseline "$op" "$B$path" "$baseline_pid"
      load emulator "$op" "$E$path" "$emulator_pid"
    fi
    e=$(tail -1 "$work/emulator-$op" | cut -d' ' -f1)
    b=$(tail -1 "$work/baseline-$op" | cut -d' ' -f1)
    echo "$e / $b" | bc -l >> "$work/ratio-$op"
    echo "round $round $op: emulator $e/s, baseline $b/s" >&2
  done
  stop_all
done

# column FILE N: the median of column N.
column() { cut -d' ' -f"$2" "$1" | median; }
echo
echo "wrk -t2 -c50, ${SECONDS_EACH} s per run, $ROUNDS rounds (medians; ratio: median and range of the rounds' own)"
echo
echo "| operation | emulator | constant-answer axum | emulator / baseline (rounds) |"
echo "| --- | ---: | ---: | ---: |"
for op in fetch create list; do
  printf '| %s | %.0f/s (p50 %s ms, p99 %s ms) | %.0f/s (p50 %s ms, p99 %s ms) | %.2fx (%.2f-%.2fx) |\n' \
    "$op" \
    "$(column "$work/emulator-$op" 1)" "$(column "$work/emulator-$op" 2)" "$(column "$work/emulator-$op" 3)" \
    "$(column "$work/baseline-$op" 1)" "$(column "$work/baseline-$op" 2)" "$(column "$work/baseline-$op" 3)" \
    "$(median < "$work/ratio-$op")" "$(sort -n "$work/ratio-$op" | head -1)" "$(sort -n "$work/ratio-$op" | tail -1)"
done
echo
echo "CPU per request, user + system (medians over the rounds)"
echo
echo "| operation | emulator | constant-answer axum | baseline / emulator CPU |"
echo "| --- | ---: | ---: | ---: |"
for op in fetch create list; do
  eu=$(column "$work/emulator-$op" 4); es=$(column "$work/emulator-$op" 5)
  bu=$(column "$work/baseline-$op" 4); bs=$(column "$work/baseline-$op" 5)
  printf '| %s | %.1f + %.1f µs | %.1f + %.1f µs | %.2fx |\n' "$op" "$eu" "$es" "$bu" "$bs" \
    "$(echo "($bu + $bs) / ($eu + $es)" | bc -l)"
done
