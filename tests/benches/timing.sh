# Timing helpers the bench scripts source (one copy of each step).

# seconds CMD...: wall-clock seconds CMD takes, its output discarded.
seconds() {
  local start
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  echo "$(date +%s.%N) - $start" | bc
}

# median: the middle of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# build_alone DIR CRATE PROFILE [CARGO ARGS...]: seconds to build CRATE in the
# workspace at DIR with PROFILE, its dependencies built first and the crate
# cleaned, so only the crate itself is timed; "fails" when it does not build
# (cargo's output goes to $BUILD_LOG when set).
build_alone() {
  local dir=$1 crate=$2 profile=$3
  shift 3
  if ! (cd "$dir" && cargo build -q --profile "$profile" -p "$crate" "$@") > "${BUILD_LOG:-/dev/null}" 2>&1; then
    echo fails
    return
  fi
  (cd "$dir" && cargo clean -q --profile "$profile" -p "$crate")
  seconds bash -c 'dir=$1; shift; cd "$dir" && cargo build -q "$@"' _ "$dir" --profile "$profile" -p "$crate" "$@"
}
