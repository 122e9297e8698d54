# Shared by scripts/run and scripts/test: installing what is missing, building, and a project-local
# PostgreSQL under .local/. Source it; it expects ROOT to be the project root.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
DEBIAN_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libpqxx-dev libpq-dev liblz4-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libkainjow-mustache-dev libfreetype-dev fonts-dejavu-core libpugixml-dev
  postgresql-15 postgresql-client-15 curl openssl
)

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are missing (and Node.js/npm for test fixtures when asked).
ensure_packages() {
  local want=("${DEBIAN_PACKAGES[@]}" "$@") missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then ensure_packages nodejs npm; fi
}

# build DIR BUILD_TYPE [cmake args...]
build() {
  local dir=$1 type=$2
  shift 2
  log "building ($type) in $dir"
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
}

# Runs a PostgreSQL tool as the cluster's owner: the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATA_DIR PORT: initialises (once) and starts a cluster on 127.0.0.1:PORT; reuses a
# running one. TCP only (no unix socket), trust authentication for loopback: a local dev database.
pg_start() {
  local data=$1 port=$2 extra=${3:-}
  mkdir -p "$(dirname "$data")"
  if [ ! -s "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $data"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "PostgreSQL already running in $data"
  else
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' $extra" start >/dev/null
    log "PostgreSQL started on 127.0.0.1:$port"
  fi
}

pg_stop() {
  local data=$1
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_ensure_db PORT NAME
pg_ensure_db() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}
