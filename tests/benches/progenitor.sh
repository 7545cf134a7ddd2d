#!/usr/bin/env bash
# Our generator and its emitted client beside progenitor's, in one run, on
# one upstream spec: whole-process generation time (9 rounds, each running
# both generators in turn, so drift in the machine's speed hits both alike;
# medians, and the median and range of the rounds' ratios; release builds of
# both) and the client crate's release build time (dependencies
# built first, the crate cleaned and built alone, no incremental).
#
#   tests/benches/progenitor.sh ../shared/twilio-oai/twilio_conversations_v1.yaml
#
# Installs cargo-progenitor 0.15.1 under target/tools on first use. It
# panics on Twilio's `format: uri-map`, so it reads a copy without those
# lines (ours reads the spec as it is). Progenitor emits a client only; its
# builder interface is the one comparable to ours. Per operation: each
# client's build time less that of the same generator's client for a spec
# with no operations (its fixed part: ours compiles its runtime into the
# crate, progenitor's lives in the progenitor-client dependency), divided by
# the operations. Ours writes the server
# crate as well in the time measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/timing.sh
root=$PWD
spec=$(realpath "$1")
name=$(basename "$spec" | sed -E 's/^twilio_//; s/\.(ya?ml|json)$//')
tools=$root/target/tools
scratch=$root/target/progenitor-bench/$name
progenitor=$tools/bin/cargo-progenitor
[ -x "$progenitor" ] || cargo install -q cargo-progenitor --version 0.15.1 --locked --root "$tools"
cargo build -q --release --manifest-path xtask/Cargo.toml
xtask=$root/target/release/xtask
rm -rf "$scratch" && mkdir -p "$scratch"
grep -v 'format: uri-map' "$spec" > "$scratch/spec.yaml"

for _ in 1 2 3 4 5 6 7 8 9; do
  rm -rf "$scratch/ours" "$scratch/theirs"
  o=$(seconds "$xtask" codegen --spec "$spec" --out "$scratch/ours")
  t=$(seconds "$progenitor" progenitor -i "$scratch/spec.yaml" -o "$scratch/theirs" -n "progenitor-$name" -v 0.1.0 --interface builder)
  echo "$o" >> "$scratch/ours.times"
  echo "$t" >> "$scratch/theirs.times"
  echo "$o / $t" | bc -l >> "$scratch/ratios"
done
ours=$(median < "$scratch/ours.times")
theirs=$(median < "$scratch/theirs.times")
ratio=$(median < "$scratch/ratios")
ratio_low=$(sort -n "$scratch/ratios" | head -1)
ratio_high=$(sort -n "$scratch/ratios" | tail -1)

export CARGO_TARGET_DIR=$scratch/build CARGO_INCREMENTAL=0
# ours_client DIR: makes our output at DIR a workspace of its client crate
# alone, on the project's lockfile, and prints the crate's name.
ours_client() {
  local client
  client=$(sed -n 's/^name = "\(.*\)"/\1/p' "$1/"*/Cargo.toml | grep -v server | head -1)
  printf '[workspace]\nresolver = "2"\nmembers = ["%s"]\n' "$client" > "$1/Cargo.toml"
  cp Cargo.lock "$1/Cargo.lock"
  echo "$client"
}
client=$(ours_client "$scratch/ours")
printf '\n[workspace]\n' >> "$scratch/theirs/Cargo.toml"
ours_build=$(BUILD_LOG=$scratch/$client.log build_alone "$scratch/ours" "$client" release)
theirs_build=$(BUILD_LOG=$scratch/progenitor-$name.log build_alone "$scratch/theirs" "progenitor-$name" release)
# The fixed part: each generator's client for the same API with no operations.
printf 'openapi: 3.0.1\ninfo:\n  title: Empty\n  version: 1.0.0\nservers:\n  - url: https://example.twilio.com\npaths: {}\n' > "$scratch/empty.yaml"
"$xtask" codegen --spec "$scratch/empty.yaml" --out "$scratch/ours-empty" > /dev/null
"$progenitor" progenitor -i "$scratch/empty.yaml" -o "$scratch/theirs-empty" -n "progenitor-empty" -v 0.1.0 --interface builder > /dev/null
empty_client=$(ours_client "$scratch/ours-empty")
printf '\n[workspace]\n' >> "$scratch/theirs-empty/Cargo.toml"
ours_empty=$(BUILD_LOG=$scratch/$empty_client.log build_alone "$scratch/ours-empty" "$empty_client" release)
theirs_empty=$(BUILD_LOG=$scratch/progenitor-empty.log build_alone "$scratch/theirs-empty" "progenitor-empty" release)
ops=$("$xtask" ir "$spec" 2>/dev/null | grep -c '^ *- operation_id:' || true)
ours_lines=$(cat "$scratch/ours/$client/src/"*.rs "$scratch/ours/$client/src/"*/*.rs | wc -l)
theirs_lines=$(cat "$scratch/theirs/src/"*.rs | wc -l)

echo "| $name | ours | progenitor | ours / progenitor |"
echo "| --- | ---: | ---: | ---: |"
printf '| generate (whole process, 9 alternating rounds) | %.0f ms | %.0f ms | %.3fx (rounds %.3f-%.3fx) |\n' \
  "$(echo "$ours * 1000" | bc)" "$(echo "$theirs * 1000" | bc)" "$ratio" "$ratio_low" "$ratio_high"
printf '| client crate lines | %d | %d | %.2fx |\n' "$ours_lines" "$theirs_lines" "$(echo "$ours_lines / $theirs_lines" | bc -l)"
if [ "$ours_build" = fails ] || [ "$theirs_build" = fails ]; then
  echo "| client crate release build | $ours_build | $theirs_build (see $scratch/*.log) | - |"
else
  printf '| client crate release build | %.1f s | %.1f s | %.2fx |\n' "$ours_build" "$theirs_build" "$(echo "$ours_build / $theirs_build" | bc -l)"
  if [ "$ours_empty" != fails ] && [ "$theirs_empty" != fails ] && [ "$ops" -gt 0 ]; then
    printf '| client for no operations (the fixed part) | %.1f s | %.1f s | %.2fx |\n' "$ours_empty" "$theirs_empty" "$(echo "$ours_empty / $theirs_empty" | bc -l)"
    ours_op=$(echo "($ours_build - $ours_empty) * 1000 / $ops" | bc -l)
    theirs_op=$(echo "($theirs_build - $theirs_empty) * 1000 / $ops" | bc -l)
    printf '| release build per operation, %d operations | %.0f ms | %.0f ms | %.2fx |\n' "$ops" "$ours_op" "$theirs_op" "$(echo "$ours_op / $theirs_op" | bc -l)"
  else
    echo "| client for no operations | $ours_empty | $theirs_empty (see $scratch/*.log) | - |"
  fi
fi
