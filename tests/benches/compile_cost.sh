#!/usr/bin/env bash
# What the emitted crates cost to compile: lines and `cargo build` seconds
# (debug and release) of the client and server crates generated from one
# spec, dependencies built first, each crate cleaned and built alone, no
# incremental compilation. Per operation, so specs of any size compare.
#
#   tests/benches/compile_cost.sh ../shared/twilio-oai/twilio_conversations_v1.yaml
#
# Generation goes through `cargo xtask conformance` on a directory holding
# only that spec (which also proves the crates compile with warnings denied).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/timing.sh
spec=$(realpath "$1")
name=$(basename "$spec" | sed -E 's/^twilio_//; s/\.(ya?ml|json)$//')
scratch=target/compile-cost
rm -rf "$scratch/spec" && mkdir -p "$scratch/spec"
cp "$spec" "$scratch/spec/"
cargo xtask conformance "$scratch/spec" | tail -1
out=target/conformance/$name
ops=$(cargo xtask ir "$spec" 2>/dev/null | grep -c '^ *- operation_id:' || true)
crates=$(sed -n 's/^members = \[\(.*\)\]/\1/p' "$out/Cargo.toml" | tr -d '",')
export CARGO_TARGET_DIR=$PWD/$scratch/build CARGO_INCREMENTAL=0
echo "| crate | lines | debug build | release build | per operation (debug / release) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for crate in $crates; do
  lines=$(cat "$out/$crate/src/"*.rs "$out/$crate/src/"*/*.rs 2>/dev/null | wc -l)
  row="| $crate ($ops operations) | $lines"
  per=""
  for profile in dev release; do
    log=$PWD/$scratch/$crate-$profile.log
    secs=$(BUILD_LOG=$log build_alone "$out" "$crate" "$profile" --all-features)
    if [ "$secs" = fails ]; then
      echo "$crate does not build with --profile $profile: see $log" >&2
      exit 1
    fi
    row="$row | $(printf '%.1f s' "$secs")"
    per="$per$(printf '%.0f ms' "$(echo "$secs * 1000 / $ops" | bc -l)") / "
  done
  echo "$row | ${per% / } |"
done
