# Shared by the bench/ scripts (sourced, not run): the local target, the release binary, and
# generated canaries. Traffic goes to loopback only.

# Starts httpbin and nginx on free loopback ports (stopped on exit) and reads their addresses.
start_target() {
    [ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    scripts/test-servers.sh start
    trap 'scripts/test-servers.sh stop' EXIT
    # shellcheck disable=SC1091
    . .test-servers/env
}

# Builds the release binary as the package ships it (the Swift runtime linked in statically, as
# scripts/package-deb builds it) and sets $bin to it. Measured at 10,000 canaries, the dynamic
# build took about 10% more CPU and 6 MB more RSS (25 MB for `--version` against 19 MB).
build_release() {
    swift build -c release --static-swift-stdlib --product canary >&2
    bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/canary"
}

# make_canaries N FOLDER [SCHEDULE]: N one-step canaries GETting a 3-byte file with a status check.
make_canaries() {
    local n=$1 folder=$2 schedule=${3:-}
    local extra=""
    [ -n "$schedule" ] && extra="schedule: \"$schedule\", "
    mkdir -p "$folder"
    for i in $(seq -w 1 "$n"); do
        printf '{name: "c%s", %ssteps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 200}}]}\n' "$i" "$extra" > "$folder/c$i.json"
    done
}

# start_bench_nginx K: a lean nginx (no access log) serving hello.txt on a free port of each of
# 127.0.0.1 … 127.0.0.K, stopped on exit. Sets $bench_port and $bench_addresses. Spreading fresh
# connections over K addresses keeps connect() from searching a port range full of TIME_WAIT.
start_bench_nginx() {
    local k=$1 i
    command -v nginx >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
    bench_dir=$(mktemp -d)
    bench_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    bench_addresses=$k
    mkdir -p "$bench_dir/www" "$bench_dir/tmp"
    printf 'ok\n' > "$bench_dir/www/hello.txt"
    # An error page for bench/screenshots.sh to render.
    printf '<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1><p>The cart service is down. Request id 7f3a.</p></body></html>\n' > "$bench_dir/www/error.html"
    chmod 755 "$bench_dir"
    local user_line="" listens=""
    [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
    for i in $(seq 1 "$k"); do listens+="listen 127.0.0.$i:$bench_port backlog=4096; "; done
    cat > "$bench_dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
worker_rlimit_nofile 65536;
pid $bench_dir/nginx.pid;
error_log $bench_dir/error.log warn;
events { worker_connections 32768; }
http {
    access_log off;
    client_body_temp_path $bench_dir/tmp;
    proxy_temp_path $bench_dir/tmp;
    fastcgi_temp_path $bench_dir/tmp;
    uwsgi_temp_path $bench_dir/tmp;
    scgi_temp_path $bench_dir/tmp;
    default_type text/plain;
    types { text/plain txt; text/html html; }
    server { $listens root $bench_dir/www; }
}
CONF
    nginx -c "$bench_dir/nginx.conf" -p "$bench_dir" -e "$bench_dir/error.log"
    trap 'kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null; rm -rf "$bench_dir"' EXIT
    for _ in $(seq 1 50); do
        curl -fsS -o /dev/null "http://127.0.0.$k:$bench_port/hello.txt" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "bench nginx did not start; see $bench_dir/error.log" >&2
    return 1
}

# bench_url I: the hello.txt URL for the I-th probe, on address 127.0.0.(I mod K + 1).
bench_url() {
    printf 'http://127.0.0.%d:%d/hello.txt' $(($1 % bench_addresses + 1)) "$bench_port"
}
