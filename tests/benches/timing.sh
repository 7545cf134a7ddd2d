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

# wall_and_cpu CMD...: "WALL CPU" in seconds for CMD (CPU: user and system
# time of it and its children, from getrusage), its output discarded.
wall_and_cpu() {
  python3 - "$@" << 'PY'
import resource, subprocess, sys, time
def cpu():
    # Children's time so far: the interpreter may have run some of its own.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
before, start = cpu(), time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
wall = time.perf_counter() - start
print(f"{wall:.6f} {cpu() - before:.6f}")
PY
}
