#!/usr/bin/env bash
# The whole of Twilio as one pair of crates, an API per cargo feature: one
# codegen.toml (written here) takes every spec in ../shared/twilio-oai and
# ../shared/twilio-oai-corpus. Measured in one run:
#
# - generation of everything (wall and CPU time, median of 3);
# - the client crate's release build with only api_v2010 enabled, beside the
#   crate generated from api_v2010 alone; the same for the Users APIs
#   (upstream chat v2 and conversations v1) beside a crate of those two;
# - openapi-to-rust's client for api_v2010 (tests/benches/openapi_to_rust.sh
#   installs it), built the same way in a crate of its own;
# - with EVERYTHING_FULL=1, the release build of every API.
#
#   tests/benches/everything.sh
#
# Each build is the crate alone: its dependencies built first, the crate
# cleaned, no incremental compilation (timing.sh's build_alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/timing.sh
root=$PWD
scratch=$root/target/everything
peer=$root/target/tools/openapi-to-rust/bin/openapi-to-rust
[ -x "$peer" ] || cargo install -q openapi-to-rust --version 0.23.0 --locked --root "$root/target/tools/openapi-to-rust"
cargo build -q --release --manifest-path xtask/Cargo.toml
xtask=$root/target/release/xtask
rm -rf "$scratch" && mkdir -p "$scratch"

# config NAME SPEC...: a codegen.toml of those specs, each its own module.
config() {
  local name=$1
  shift
  mkdir -p "$scratch/$name"
  {
    printf 'version = "0.1.0"\n\n[client]\ncrate = "%s"\n[server]\ncrate = "%s-server"\n' "$name" "$name"
    for spec in "$@"; do
      printf '\n[[spec]]\nfile = "%s"\nmodule = "%s"\n' "$(realpath "$spec")" "$(basename "$spec" .yaml | sed 's/^twilio_//')"
    done
  } > "$scratch/$name/codegen.toml"
}
# generate NAME: its crates under $scratch/NAME/out, made a workspace of the
# client crate on the project's lockfile.
generate() {
  "$xtask" codegen --config "$scratch/$1/codegen.toml" --out "$scratch/$1/out" > /dev/null
  printf '[workspace]\nresolver = "2"\nmembers = ["%s"]\n' "$1" > "$scratch/$1/out/Cargo.toml"
  cp Cargo.lock "$scratch/$1/out/Cargo.lock"
}

all_specs=(../shared/twilio-oai/*.yaml ../shared/twilio-oai-corpus/*.yaml)
v2010=../shared/twilio-oai-corpus/twilio_api_v2010.yaml
users=(../shared/twilio-oai/twilio_chat_v2.yaml ../shared/twilio-oai/twilio_conversations_v1.yaml)
config twilio "${all_specs[@]}"
config v2010 "$v2010"
config users "${users[@]}"

for _ in 1 2 3; do
  rm -rf "$scratch/twilio/out"
  wall_and_cpu "$xtask" codegen --config "$scratch/twilio/codegen.toml" --out "$scratch/twilio/out" >> "$scratch/generate.times"
done
gen_wall=$(cut -d' ' -f1 "$scratch/generate.times" | median)
gen_cpu=$(cut -d' ' -f2 "$scratch/generate.times" | median)
generate twilio
generate v2010
generate users
ops=$(grep -o '[0-9]* operations' <<< "$("$xtask" codegen --config "$scratch/twilio/codegen.toml" --out "$scratch/twilio/out" 2>&1)" | tail -1)
lines=$(find "$scratch/twilio/out/twilio/src" -name '*.rs' -exec cat {} + | wc -l)

export CARGO_TARGET_DIR=$scratch/build CARGO_INCREMENTAL=0
build() { BUILD_LOG=$scratch/$2-$3.log build_alone "$scratch/$1/out" "$1" release "${@:4}"; }
v2010_in_all=$(build twilio twilio v2010 --no-default-features --features client,api_v2010)
v2010_alone=$(build v2010 v2010 alone)
users_in_all=$(build twilio twilio users --no-default-features --features client,chat_v2,conversations_v1)
users_alone=$(build users users alone)
everything=skipped
if [ "${EVERYTHING_FULL:-}" = 1 ]; then
  everything=$(build twilio twilio all)
fi

# openapi-to-rust's api_v2010 client in a crate of its own, with the
# dependencies it lists.
theirs=$scratch/openapi-to-rust
mkdir -p "$theirs/src"
"$peer" generate "$(realpath "$v2010")" --output-dir "$theirs/src/api_v2010" --module-name api_v2010 --quiet
{
  printf '[package]\nname = "o2r-api-v2010"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n\n'
  grep -v '^#' "$theirs/src/api_v2010/REQUIRED_DEPS.toml"
} > "$theirs/Cargo.toml"
printf 'pub mod api_v2010;\n' > "$theirs/src/lib.rs"
theirs_build=$(BUILD_LOG=$scratch/openapi-to-rust.log build_alone "$theirs" o2r-api-v2010 release)

secs() { if [[ $1 =~ ^[0-9.]+$ ]]; then printf '%.1f s' "$1"; else echo "$1"; fi; }
ratio() { if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]]; then printf '%.2fx' "$(echo "$1 / $2" | bc -l)"; else echo "-"; fi; }
echo "Every spec in ../shared (${#all_specs[@]} APIs, $ops, $lines lines of client crate)"
echo
echo "| what | time | beside |"
echo "| --- | ---: | --- |"
printf '| generate everything (both crates) | %.2f s wall, %.2f s CPU | |\n' "$gen_wall" "$gen_cpu"
echo "| release build, api_v2010 alone (feature \`api_v2010\`) | $(secs "$v2010_in_all") | $(ratio "$v2010_in_all" "$v2010_alone") of a crate of api_v2010 alone ($(secs "$v2010_alone")) |"
echo "| release build, the Users APIs (features \`chat_v2\`, \`conversations_v1\`) | $(secs "$users_in_all") | $(ratio "$users_in_all" "$users_alone") of a crate of those two ($(secs "$users_alone")) |"
echo "| release build, everything | $(secs "$everything") | |"
echo "| openapi-to-rust's api_v2010 client, release build | $(secs "$theirs_build") | ours $(ratio "$v2010_alone" "$theirs_build") of it |"
