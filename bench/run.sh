#!/usr/bin/env bash
# Load benchmark (not a timed test): the fiche page and /api/v1/projects served by
# territoires, side by side in one run with nginx serving the same bytes as static files
# (the rendered fiche page, and the API's JSON answer, which is 5 to 6 times larger).
# 64 connections, 10 s each, with wrk, which runs on the same cores. Prints throughput, p99
# latency and the ratio to nginx serving the same body. Only loopback addresses are used;
# every server started here is stopped.
#
# Usage: bench/run.sh            (installs wrk and nginx from Debian if missing)
# Env:   DURATION=10s CONNECTIONS=64 THREADS=2 SLUG=biovallee
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SLUG=${SLUG:-biovallee}
APP_PORT=18080
NGINX_PORT=18081

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q -p territoires-cli
work=$(mktemp -d)
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

DATABASE_URL="sqlite://$work/bench.db" RUST_LOG=warn target/release/territoires serve --bind "127.0.0.1:$APP_PORT" 2>"$work/app.log" &
app_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$APP_PORT/projets/$SLUG" -o "$work/fiche.html"
curl -sf "http://127.0.0.1:$APP_PORT/api/v1/projects" -o "$work/projects.json"

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT; root $work;
    location /api/ { default_type application/json; try_files /projects.json =404; }
    location / { try_files /fiche.html =404; }
  }
}
CONF
mkdir -p "$work/tmp"
"$NGINX" -c "$work/nginx.conf" -p "$work"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/" >/dev/null && break; sleep 0.1; done

run() { # name url → "name rps p99_ms"
  local out rps p99
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$1 $rps $p99"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores; fiche page $(wc -c <"$work/fiche.html") bytes, API answer $(wc -c <"$work/projects.json") bytes"
fiche_nginx=$(run nginx-static-fiche "http://127.0.0.1:$NGINX_PORT/projets/$SLUG")
fiche_app=$(run territoires-fiche "http://127.0.0.1:$APP_PORT/projets/$SLUG")
api_nginx=$(run nginx-static-api-json "http://127.0.0.1:$NGINX_PORT/api/v1/projects")
api_app=$(run territoires-api-projects "http://127.0.0.1:$APP_PORT/api/v1/projects")
printf '\n%-26s %12s %10s %14s\n' target "req/s" "p99 (ms)" "vs nginx"
row() { # line baseline_rps
  read -r name rps p99 <<<"$1"
  printf '%-26s %12.0f %10.2f %13.2fx\n' "$name" "$rps" "$p99" "$(awk -v a="$rps" -v b="$2" 'BEGIN{print a/b}')"
}
base=$(awk '{print $2}' <<<"$fiche_nginx"); row "$fiche_nginx" "$base"; row "$fiche_app" "$base"
base=$(awk '{print $2}' <<<"$api_nginx"); row "$api_nginx" "$base"; row "$api_app" "$base"
