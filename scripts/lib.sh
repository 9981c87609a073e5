# Shared by scripts/: find the project, build it when sources changed, and run a main class
# with the job's classes plus Flink and a logging backend on the classpath.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Builds target/classes and target/classpath.txt when missing or older than any source.
ensure_built() {
  local stamp="$ROOT/target/.built"
  if [[ -f "$stamp" && -f "$ROOT/target/classpath.txt" && -f "$ROOT/target/test-classpath.txt" ]] && [[ -z "$(find "$ROOT/src" "$ROOT/avro" "$ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    return
  fi
  echo "building customer-pulse (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package >&2)
  touch "$stamp"
}

# run_java MAIN_CLASS ARGS...
run_java() {
  ensure_built
  local main="$1"; shift
  mkdir -p "$ROOT/target/tmp"
  exec java -Djava.io.tmpdir="$ROOT/target/tmp" -Xmx${CUSTOMER_PULSE_HEAP:-2g} \
    -Dcustomerpulse.flink-conf="$ROOT/flink-conf" \
    -cp "$ROOT/target/classes:$(cat "$ROOT/target/classpath.txt")" "$main" "$@"
}
