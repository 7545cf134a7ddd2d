#!/usr/bin/env bash
# Our generator beside the fastest peer, openapi-to-rust (crates.io), in one
# run, on the same specs: whole-process wall time and CPU time (user and
# system, from getrusage) of generating into an empty directory, 9 rounds
# per spec alternating the two so drift in the machine's speed hits both
# alike; medians, and the median and range of the rounds' CPU ratios.
#
#   tests/benches/openapi_to_rust.sh                 # both upstream specs
#   tests/benches/openapi_to_rust.sh SPEC [SPEC...]
#
# Installs openapi-to-rust 0.23.0 under target/tools on first use. It
# generates a client and its types; ours writes the client crate and the
# server crate (traits, router, emulator) in the time measured. Lines are
# the Rust files each wrote.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/timing.sh
root=$PWD
tools=$root/target/tools/openapi-to-rust
peer=$tools/bin/openapi-to-rust
[ -x "$peer" ] || cargo install -q openapi-to-rust --version 0.23.0 --locked --root "$tools"
cargo build -q --release --manifest-path xtask/Cargo.toml
xtask=$root/target/release/xtask
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(../shared/twilio-oai/twilio_chat_v2.yaml ../shared/twilio-oai/twilio_conversations_v1.yaml)

echo "| spec | ours: wall, CPU | openapi-to-rust: wall, CPU | CPU ours / theirs (rounds) | wall ours / theirs | lines ours / theirs |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for spec in "${specs[@]}"; do
  spec=$(realpath "$spec")
  name=$(basename "$spec" | sed -E 's/^twilio_//; s/\.(ya?ml|json)$//')
  scratch=$root/target/openapi-to-rust-bench/$name
  rm -rf "$scratch" && mkdir -p "$scratch"
  for _ in 1 2 3 4 5 6 7 8 9; do
    rm -rf "$scratch/ours" "$scratch/theirs"
    read -r ow oc < <(wall_and_cpu "$xtask" codegen --spec "$spec" --out "$scratch/ours")
    read -r tw tc < <(wall_and_cpu "$peer" generate "$spec" --output-dir "$scratch/theirs" --module-name "$name" --quiet)
    echo "$ow" >> "$scratch/ours.wall"; echo "$oc" >> "$scratch/ours.cpu"
    echo "$tw" >> "$scratch/theirs.wall"; echo "$tc" >> "$scratch/theirs.cpu"
    echo "$oc / $tc" | bc -l >> "$scratch/cpu.ratios"
  done
  ms() { printf '%.0f' "$(echo "$1 * 1000" | bc -l)"; }
  ow=$(median < "$scratch/ours.wall"); oc=$(median < "$scratch/ours.cpu")
  tw=$(median < "$scratch/theirs.wall"); tc=$(median < "$scratch/theirs.cpu")
  ours_lines=$(find "$scratch/ours" -name '*.rs' -exec cat {} + | wc -l)
  theirs_lines=$(find "$scratch/theirs" -name '*.rs' -exec cat {} + | wc -l)
  printf '| %s | %s ms, %s ms | %s ms, %s ms | %.2fx (%.2f-%.2fx) | %.2fx | %d / %d |\n' \
    "$name" "$(ms "$ow")" "$(ms "$oc")" "$(ms "$tw")" "$(ms "$tc")" \
    "$(median < "$scratch/cpu.ratios")" "$(sort -n "$scratch/cpu.ratios" | head -1)" "$(sort -n "$scratch/cpu.ratios" | tail -1)" \
    "$(echo "$ow / $tw" | bc -l)" "$ours_lines" "$theirs_lines"
done
