# Shared by scripts/: find the project, build it when sources changed, and run a main class of
# the tools module (with the job, the test kit, Flink and a logging backend on the classpath).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# what is deployed to a cluster: the job module's shaded jar (no tool, no test kit)
JOB_JAR="$ROOT/job/target/customer-pulse-job-0.1.0-SNAPSHOT-shaded.jar"
TOOLS_CP="$ROOT/tools/target/classes"
CLASSPATH_FILE="$ROOT/tools/target/classpath.txt"

# Builds the modules (classes, the job jar, tools/target/classpath.txt) when missing or older than
# any source.
ensure_built() {
  local stamp="$ROOT/target/.built"
  if [[ -f "$stamp" && -f "$CLASSPATH_FILE" && -f "$JOB_JAR" ]] && [[ -z "$(find "$ROOT"/{job,testkit,tools}/src "$ROOT/avro" "$ROOT"/pom.xml "$ROOT"/{job,testkit,tools}/pom.xml -newer "$stamp" -print -quit)" ]]; then
    return
  fi
  echo "building customer-pulse (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package >&2)
  mkdir -p "$ROOT/target" && touch "$stamp"
}

# The classpath of the tools: java -cp "$(tools_classpath)" ...
tools_classpath() {
  echo "$TOOLS_CP:$(cat "$CLASSPATH_FILE")"
}

# run_java MAIN_CLASS ARGS...
run_java() {
  ensure_built
  local main="$1"; shift
  mkdir -p "$ROOT/target/tmp"
  exec java -Djava.io.tmpdir="$ROOT/target/tmp" -Xmx${CUSTOMER_PULSE_HEAP:-2g} \
    -Dcustomerpulse.flink-conf="$ROOT/flink-conf" \
    -cp "$(tools_classpath)" "$main" "$@"
}

# --help of a bash script: its header comment (the lines after the shebang up to `source`)
usage_of() {
  sed -n '2,/^source/p' "$1" | grep '^#' | sed 's/^# \{0,1\}//'
}

# For a script that takes no options of its own: --help prints its header and exits 0, anything
# else it does not know exits 2 with one line.
no_options() {
  local script="$1"; shift
  case "${1:-}" in
    "") ;;
    -h|--help) usage_of "$script"; exit 0 ;;
    *) echo "$(basename "$script"): unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
}
