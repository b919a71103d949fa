#!/usr/bin/env bash
# Makes the two Temporal servers available and prints where they are:
#   temporal              the Temporal CLI (dev server + Web UI), for `npm start` and visibility tests
#   temporal-test-server  the time-skipping test server (Java), for day-scale workflow tests
# Both are cached in a user-level folder outside the clone (default ~/.cache/huifang), so a fresh
# clone on the same machine reuses them and only a fresh machine builds them again.
#
# With --temporal-server it also builds the Temporal server itself and its SQL schema tool (the
# production-shaped cluster of `npm run cluster` and `npm run drill`: Temporal on PostgreSQL).
#
# A `temporal` named by $HUIFANG_TEMPORAL_CLI, or already on PATH, wins over building one.
# The paths end up in $CACHE/toolchain.env, which scripts/toolchain-paths.ts reads.
set -euo pipefail

CACHE="${HUIFANG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/huifang}"
TEMPORAL_CLI_VERSION="v1.5.1"          # later tags carry a `replace` directive that `go install` refuses
TEST_SERVER_VERSION="${HUIFANG_TEST_SERVER_VERSION:-1.38.0}"   # io.temporal:temporal-test-server on Maven Central
TEMPORAL_SERVER_VERSION="v1.29.1"      # go.temporal.io/server: the server and its SQL schema tool
WITH_SERVER=0
[[ "${1:-}" == "--temporal-server" ]] && WITH_SERVER=1

say() { printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed, and it is needed to $2. Install it (e.g. apt-get install $3) and run again."; }

mkdir -p "$CACHE/bin"

# --- 1. Temporal CLI -------------------------------------------------------------------------
temporal_cli=""
if [[ -n "${HUIFANG_TEMPORAL_CLI:-}" ]]; then
  [[ -x "$HUIFANG_TEMPORAL_CLI" ]] || die "HUIFANG_TEMPORAL_CLI=$HUIFANG_TEMPORAL_CLI is not an executable file."
  temporal_cli="$HUIFANG_TEMPORAL_CLI"
  say "Temporal CLI: using \$HUIFANG_TEMPORAL_CLI ($temporal_cli)"
elif command -v temporal >/dev/null 2>&1; then
  temporal_cli="$(command -v temporal)"
  say "Temporal CLI: using the one on PATH ($temporal_cli)"
elif [[ -x "$CACHE/bin/temporal" ]]; then
  temporal_cli="$CACHE/bin/temporal"
  say "Temporal CLI: cached ($temporal_cli)"
else
  need go "build the Temporal CLI (dev server and Web UI)" golang
  say "Temporal CLI: building github.com/temporalio/cli $TEMPORAL_CLI_VERSION with 'go install' (first time only; takes several minutes on 2 cores)..."
  started=$(date +%s)
  GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
    || die "'go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION' failed (see above). It needs the Go module proxy."
  temporal_cli="$CACHE/bin/temporal"
  say "Temporal CLI: built in $(( $(date +%s) - started ))s -> $temporal_cli"
fi
"$temporal_cli" --version >/dev/null 2>&1 || die "$temporal_cli does not run ('--version' failed)."

# --- 2. Time-skipping test server -------------------------------------------------------------
ts_dir="$CACHE/test-server-$TEST_SERVER_VERSION"
ts_wrapper="$ts_dir/temporal-test-server"
if [[ -x "$ts_wrapper" && -s "$ts_dir/classpath.txt" ]]; then
  say "Test server: cached ($ts_wrapper)"
else
  need java "run the time-skipping test server" default-jre-headless
  need mvn "resolve the time-skipping test server from Maven Central" maven
  say "Test server: resolving io.temporal:temporal-test-server:$TEST_SERVER_VERSION and its runtime classpath with Maven..."
  mkdir -p "$ts_dir"
  cat >"$ts_dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.huifang</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$TEST_SERVER_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$ts_dir" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=classpath.txt -Dmdep.includeScope=runtime >&2) \
    || die "Maven could not resolve io.temporal:temporal-test-server:$TEST_SERVER_VERSION (see above)."
  [[ -s "$ts_dir/classpath.txt" ]] || die "Maven wrote no classpath for the test server."
  # The SDK starts an 'existing-path' test server as: <path> <port> [extra args such as --enable-time-skipping]
  cat >"$ts_wrapper" <<EOF
#!/usr/bin/env bash
exec java \${HUIFANG_TEST_SERVER_JAVA_OPTS:--Xms64m -Xmx512m} -cp "\$(cat '$ts_dir/classpath.txt')" io.temporal.testserver.TestServer "\$@"
EOF
  chmod +x "$ts_wrapper"
  say "Test server: ready ($ts_wrapper)"
fi

# --- 3. Temporal server and its SQL schema tool (with --temporal-server, or once built) ----------
server_dir="$CACHE/temporal-server-${TEMPORAL_SERVER_VERSION#v}"
schema_dir=""
if [[ $WITH_SERVER == 1 || -x "$server_dir/server" ]]; then
  if [[ -x "$server_dir/server" && -x "$server_dir/sql" ]]; then
    say "Temporal server: cached ($server_dir)"
  else
    need go "build the Temporal server" golang
    say "Temporal server: building go.temporal.io/server $TEMPORAL_SERVER_VERSION (server and SQL tool) with 'go install' (first time only; about 2 minutes on 2 cores)..."
    started=$(date +%s)
    mkdir -p "$server_dir"
    { GOBIN="$server_dir" GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
      && GOBIN="$server_dir" GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"; } \
      || die "'go install go.temporal.io/server/...@$TEMPORAL_SERVER_VERSION' failed (see above). It needs the Go module proxy."
    say "Temporal server: built in $(( $(date +%s) - started ))s -> $server_dir"
  fi
  # The schema files ship in the module: the SQL tool applies them from there.
  schema_dir="$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
  [[ -d "$schema_dir/temporal/versioned" ]] || die "no PostgreSQL schema at $schema_dir (the module cache was cleaned?): remove $server_dir and run again."
fi

{
  echo "HUIFANG_TEMPORAL_CLI=$temporal_cli"
  echo "HUIFANG_TEST_SERVER=$ts_wrapper"
  if [[ -n "$schema_dir" ]]; then
    echo "HUIFANG_TEMPORAL_SERVER=$server_dir/server"
    echo "HUIFANG_TEMPORAL_SQL_TOOL=$server_dir/sql"
    echo "HUIFANG_TEMPORAL_SCHEMA=$schema_dir"
  fi
} >"$CACHE/toolchain.env"
say "Toolchain ready; paths written to $CACHE/toolchain.env"
echo "HUIFANG_TEMPORAL_CLI=$temporal_cli"
echo "HUIFANG_TEST_SERVER=$ts_wrapper"
