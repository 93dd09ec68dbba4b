#!/usr/bin/env bash
# Starts (or stops) the real servers the tests and the examples probe, on free loopback ports:
#   httpbin under gunicorn, and nginx serving HTTP, HTTPS with a certificate signed by a throwaway
#   CA (made here with openssl), HTTPS with an expired certificate and HTTPS with a certificate
#   for another host name; scripts/hostile-server.py (servers that hang, reset, drip, answer
#   garbage, ...); a Prometheus Pushgateway; and an Alertmanager whose one route is a webhook on
#   CANARY_TEST_ALERTMANAGER_RECEIVER_PORT (tests start scripts/webhook-receiver.py there);
#   scripts/otlp-receiver.py, an OTLP/HTTP receiver decoding with the official opentelemetry-proto;
#   for the tcp and dns steps: socat greeting with an SMTP-like banner, dnsmasq serving fixed
#   records of canary.test, and scripts/hostile-dns.py (garbage, truncated, looping replies);
#   for `proxy`: tinyproxy (a forward proxy asking for Basic credentials) and microsocks (SOCKS5
#   with a user and password) whose /etc/hosts alone knows socks-only.test.
#   Also makes sure promtool is installed, for `promtool check metrics`.
# Writes .test-servers/env (KEY=VALUE lines) for the tests and scripts to read.
# CANARY_TEST_SERVERS_DIR puts them in another folder, so two people working in one checkout
# can each have their own set (the default is .test-servers in the checkout).
#
#   scripts/test-servers.sh start    install what is missing, start everything, wait until ready
#   scripts/test-servers.sh stop     stop what `start` started
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="${CANARY_TEST_SERVERS_DIR:-$root/.test-servers}"
venv="${CANARY_VENV:-$HOME/.cache/canary/venv}"

log() { printf 'test-servers: %s\n' "$*" >&2; }

install_missing() {
    local need=()
    dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
    dpkg -s libxml2-dev >/dev/null 2>&1 || need+=(libxml2-dev)
    command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
    command -v openssl >/dev/null 2>&1 || need+=(openssl)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
    command -v promtool >/dev/null 2>&1 || need+=(prometheus)
    command -v prometheus-pushgateway >/dev/null 2>&1 || need+=(prometheus-pushgateway)
    command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
    # The completion scripts are parsed by their shells; the man page is rendered by man.
    command -v zsh >/dev/null 2>&1 || need+=(zsh)
    command -v fish >/dev/null 2>&1 || need+=(fish)
    command -v man >/dev/null 2>&1 || need+=(man-db)
    command -v groff >/dev/null 2>&1 || need+=(groff-base)
    # The tcp and dns steps' servers.
    command -v socat >/dev/null 2>&1 || need+=(socat)
    command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)
    # The proxies.
    command -v tinyproxy >/dev/null 2>&1 || need+=(tinyproxy-bin)
    command -v microsocks >/dev/null 2>&1 || need+=(microsocks)
    if ((${#need[@]})); then
        log "installing ${need[*]}"
        apt-get update -qq
        without_service_starts apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    # junitparser: the tests read JUnit files with a real parser (scripts/junit-check.py).
    # opentelemetry-proto: scripts/otlp-receiver.py decodes OTLP exports with the official proto.
    # check-jsonschema and json5: SchemaValidatorTests check canary files against schema/canary.schema.json.
    if ! "$venv/bin/python" -c 'import httpbin, gunicorn, junitparser, opentelemetry.proto, check_jsonschema, json5' >/dev/null 2>&1; then
        log "installing httpbin, gunicorn, junitparser, opentelemetry-proto, check-jsonschema and json5 into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check httpbin gunicorn junitparser opentelemetry-proto check-jsonschema json5
    fi
}

# The prometheus packages' maintainer scripts try to start their services; there is no init
# system here, so a policy-rc.d answering 101 ("action not allowed") makes them skip that instead
# of failing the install. An existing policy-rc.d (Docker images ship one) is left as it is.
without_service_starts() {
    local policy=/usr/sbin/policy-rc.d added=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        added=1
    fi
    local status=0
    DEBIAN_FRONTEND=noninteractive "$@" || status=$?
    [ -z "$added" ] || rm -f "$policy"
    return "$status"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A loopback port free for both UDP and TCP (a DNS server listens on both).
free_udp_port() {
    python3 -c '
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); port = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        t.close(); u.close()'
}

make_certificates() {
    local c="$dir/certs"
    mkdir -p "$c"
    cd "$c"
    cat > ca.cnf <<'EOF'
[ ca ]
default_ca = local
[ local ]
dir = .
database = index.txt
unique_subject = no
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
[ any ]
commonName = supplied
EOF
    : > index.txt
    echo 01 > serial
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
        -subj "/CN=canary test CA" 2>/dev/null
    local name
    for name in good expired; do
        openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=localhost" \
            -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    done
    # Valid and signed by the CA, but for another name: "localhost" in a URL does not match it.
    openssl req -newkey rsa:2048 -nodes -keyout wronghost.key -out wronghost.csr -subj "/CN=wrong.example" \
        -addext "subjectAltName=DNS:wrong.example" 2>/dev/null
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -days 30 \
        -in wronghost.csr -out wronghost.pem >/dev/null 2>&1
    # The valid certificate expires in 30 days, so tests can assert "expiresIn > 14d" and "< 60d".
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -days 30 \
        -in good.csr -out good.pem >/dev/null 2>&1
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
        -startdate 20200101000000Z -enddate 20200201000000Z -in expired.csr -out expired.pem >/dev/null 2>&1
    # A chain: an intermediate CA that expires in 10 days signs a leaf that expires in 30, and the
    # server sends both, so the chain's earliest expiry differs from the leaf's.
    openssl req -newkey rsa:2048 -nodes -keyout intermediate.key -out intermediate.csr -subj "/CN=canary test intermediate" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -days 10 \
        -in intermediate.csr -out intermediate.pem >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -keyout chain.key -out chain.csr -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,DNS:chain.test,IP:127.0.0.1" 2>/dev/null
    openssl ca -batch -config ca.cnf -cert intermediate.pem -keyfile intermediate.key -days 30 \
        -in chain.csr -out chain-leaf.pem >/dev/null 2>&1
    openssl x509 -in chain-leaf.pem > chain.pem
    openssl x509 -in intermediate.pem >> chain.pem
    # A client certificate from the test CA, its key in the clear and encrypted with a password
    # (for nginx's ssl_verify_client and `clientCertificate`).
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=canary client" 2>/dev/null
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -days 30 \
        -in client.csr -out client-full.pem >/dev/null 2>&1
    openssl x509 -in client-full.pem > client.pem
    openssl pkey -in client.key -aes256 -passout pass:client-secret -out client-encrypted.key
    cd "$root"
}

make_site() {
    local www="$dir/www"
    mkdir -p "$www"
    printf 'ok\n' > "$www/hello.txt"
    printf '{"status":"ok","items":[1,2,3],"service":{"name":"static","version":"1.2.3"}}\n' > "$www/status.json"
    printf '<!doctype html><html><head><title>canary</title></head><body><h1>It works</h1></body></html>\n' > "$www/index.html"
    head -c 3000000 /dev/zero | tr '\0' 'a' > "$www/big.txt"
}

write_nginx_conf() {
    local http=$1 https=$2 expired=$3 wronghost=$4 httpbin=$5 chain=$6 clientcert=$7 h2c=$8
    # Workers run as the invoking user: a checkout inside a private (0700) folder must still be
    # readable by them, and nginx's default worker user (nobody) could not read it.
    local user_line=""
    [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
    cat > "$dir/nginx.conf" <<EOF
$user_line
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp;
    scgi_temp_path $dir/tmp;
    default_type text/plain;
    types { application/json json; text/html html; text/plain txt; }
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$http;
        root $dir/www;
        location = /redirect-home { return 302 /hello.txt; }
        # /to-port/PORT/PATH: a 307 to the same path on another loopback port (redirect tests).
        location ~ ^/to-port/(\d+)/(.*)\$ { return 307 http://127.0.0.1:\$1/\$2\$is_args\$args; }
        # The browser canaries' fixture app (Tests/Fixtures/browser-app): pages whose content
        # JavaScript renders after a delay, console errors, a failing sub-request, a hostile page.
        location /browser-app/ { alias $root/Tests/Fixtures/browser-app/; }
        location = /browser-app/api/missing { return 500 "broken\n"; }
    }
    server {
        listen 127.0.0.1:$https ssl http2;
        ssl_certificate $dir/certs/good.pem;
        ssl_certificate_key $dir/certs/good.key;
        root $dir/www;
        # /to-http/PORT/PATH: a 307 from https down to plain http on a loopback port.
        location ~ ^/to-http/(\d+)/(.*)\$ { return 307 http://127.0.0.1:\$1/\$2\$is_args\$args; }
        # /httpbin/...: httpbin behind https, for canaries that assert a certificate on an API
        # (the README's example canary).
        location /httpbin/ { proxy_pass http://127.0.0.1:$httpbin/; }
    }
    server {
        listen 127.0.0.1:$expired ssl;
        ssl_certificate $dir/certs/expired.pem;
        ssl_certificate_key $dir/certs/expired.key;
        root $dir/www;
    }
    server {
        listen 127.0.0.1:$wronghost ssl;
        ssl_certificate $dir/certs/wronghost.pem;
        ssl_certificate_key $dir/certs/wronghost.key;
        root $dir/www;
    }
    # A leaf and the intermediate that signed it: the chain expires (10 days) before the leaf.
    server {
        listen 127.0.0.1:$chain ssl;
        ssl_certificate $dir/certs/chain.pem;
        # nginx 1.22 leaves TLSv1.3 out by default; this server speaks only 1.3, so tests know it.
        ssl_protocols TLSv1.3;
        ssl_certificate_key $dir/certs/chain.key;
        root $dir/www;
    }
    # Asks every client for a certificate from the test CA; one without gets nginx's 400.
    server {
        listen 127.0.0.1:$clientcert ssl;
        ssl_certificate $dir/certs/good.pem;
        ssl_certificate_key $dir/certs/good.key;
        ssl_client_certificate $dir/certs/ca.pem;
        ssl_verify_client on;
        root $dir/www;
        location = /whoami { return 200 "\$ssl_client_s_dn\n"; }
    }
    # HTTP/2 without TLS (h2c): only a client with prior knowledge speaks it here.
    server {
        listen 127.0.0.1:$h2c http2;
        root $dir/www;
    }
    # HTTP over a unix socket.
    server {
        listen unix:$dir/nginx.sock;
        root $dir/www;
        location = /via { return 200 "unix socket\n"; }
    }
}
EOF
}

# The tcp step's server (socat runs it per connection): a banner line, then "250 you said LINE"
# for each line read, until QUIT, which gets "221 bye" and closes.
write_banner_script() {
    cat > "$dir/banner.sh" <<'EOF'
#!/bin/sh
printf '220 canary.test ESMTP ready\r\n'
while IFS= read -r line; do
    line=$(printf '%s' "$line" | tr -d '\r')
    if [ "$line" = QUIT ]; then printf '221 bye\r\n'; exit 0; fi
    printf '250 you said %s\r\n' "$line"
done
EOF
    chmod 755 "$dir/banner.sh"
}

# The dns step's server: fixed records of canary.test (authoritative: other names of it are
# NXDOMAIN), over UDP and TCP; big.canary.test's TXT record (3 x 250 bytes) does not fit a
# 512-byte UDP reply, so dnsmasq truncates it there and the client asks again over TCP.
start_dnsmasq() {
    local big
    big=$(printf 'x%.0s' $(seq 1 250))
    setsid dnsmasq --keep-in-foreground --port="$1" --listen-address=127.0.0.1 --bind-interfaces \
        --no-resolv --no-hosts --user="$(id -un)" --pid-file= --local=/canary.test/ \
        --host-record=www.canary.test,192.0.2.10,2001:db8::10 --cname=alias.canary.test,www.canary.test \
        --txt-record=canary.test,"v=spf1 -all" --txt-record="big.canary.test,$big,$big,$big" \
        --mx-host=canary.test,mail.canary.test,10 --srv-host=_sip._tcp.canary.test,sip.canary.test,5060,0,5 \
        </dev/null >>"$dir/dnsmasq.log" 2>&1 &
    echo $! > "$dir/dnsmasq.pid"
}

# A forward proxy (http:// and CONNECT) that asks for Basic credentials proxyuser:proxypass
# (407 without them). -d keeps it in the foreground, where the pid file names it.
start_tinyproxy() {
    cat > "$dir/tinyproxy.conf" <<EOF
Port $1
Listen 127.0.0.1
Timeout 30
MaxClients 200
LogFile "$dir/tinyproxy.log"
LogLevel Warning
BasicAuth proxyuser proxypass
DisableViaHeader Yes
EOF
    setsid tinyproxy -d -c "$dir/tinyproxy.conf" </dev/null >>"$dir/tinyproxy.log" 2>&1 &
    echo $! > "$dir/tinyproxy.pid"
}

# A SOCKS5 proxy (user sockuser, password sockpass) in a mount namespace of its own where
# /etc/hosts also names socks-only.test (127.0.0.1): only the proxy can resolve that name, so a
# request for it that arrives proves socks5h resolved the name at the proxy. (HOSTALIASES does not
# do this: glibc sends the aliased name to DNS, which does not know localhost.) Without the
# privilege to unshare, microsocks runs plainly and CANARY_TEST_SOCKS_ONLY_HOST stays empty.
start_microsocks() {
    (cat /etc/hosts; echo "127.0.0.1 socks-only.test") > "$dir/socks-hosts"
    if unshare -m true 2>/dev/null; then
        setsid unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec microsocks -i 127.0.0.1 -p "$1" -u sockuser -P sockpass' \
            "$dir/socks-hosts" "$1" </dev/null >>"$dir/microsocks.log" 2>&1 &
        socks_only_host=socks-only.test
    else
        log "unshare -m is not allowed here: the socks5h test can't prove where names are resolved"
        setsid microsocks -i 127.0.0.1 -p "$1" -u sockuser -P sockpass </dev/null >>"$dir/microsocks.log" 2>&1 &
        socks_only_host=
    fi
    echo $! > "$dir/microsocks.pid"
}

# Waits until something accepts TCP connections on a loopback port.
wait_for_port() {
    for _ in $(seq 1 100); do
        if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "gave up waiting for port $1"
    return 1
}

# Waits until a UDP DNS server answers a query for www.canary.test.
wait_for_dns() {
    for _ in $(seq 1 100); do
        if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
s.sendto(bytes.fromhex("abcd01000001000000000000") + b"\x03www\x06canary\x04test\x00\x00\x01\x00\x01", ("127.0.0.1", int(sys.argv[1])))
s.recv(512)
PY
        sleep 0.1
    done
    log "gave up waiting for the DNS server on port $1"
    return 1
}

# Notifications go out at once and resolved ones too, so a test sees both within seconds.
write_alertmanager_conf() {
    cat > "$dir/alertmanager.yml" <<EOF
route:
  receiver: test-webhook
  group_by: [alertname, canary]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test-webhook
    webhook_configs:
      - url: http://127.0.0.1:$1/alertmanager
        send_resolved: true
EOF
}

wait_for() {
    local url=$1 extra=${2:-}
    for _ in $(seq 1 100); do
        # shellcheck disable=SC2086
        if curl -fsS -o /dev/null $extra "$url" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "gave up waiting for $url"
    return 1
}

start() {
    install_missing
    stop quiet
    rm -rf "$dir"
    mkdir -p "$dir/tmp"
    make_certificates
    make_site
    local httpbin http https expired wronghost pushgateway hostile
    httpbin=$(free_port); http=$(free_port); https=$(free_port); expired=$(free_port)
    wronghost=$(free_port); pushgateway=$(free_port); hostile=$(free_port)
    local otlp
    otlp=$(free_port)
    local alertmanager receiver
    alertmanager=$(free_port); receiver=$(free_port)
    local chain clientcert h2c
    chain=$(free_port); clientcert=$(free_port); h2c=$(free_port)
    write_nginx_conf "$http" "$https" "$expired" "$wronghost" "$httpbin" "$chain" "$clientcert" "$h2c"
    nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
    "$venv/bin/gunicorn" --daemon --pid "$dir/gunicorn.pid" --log-file "$dir/gunicorn.log" \
        -b "127.0.0.1:$httpbin" -w 2 -k gthread --threads 32 httpbin:app
    # The pushgateway has no --daemon: run it in its own session so it outlives this script.
    setsid prometheus-pushgateway --web.listen-address="127.0.0.1:$pushgateway" \
        </dev/null >>"$dir/pushgateway.log" 2>&1 &
    echo $! > "$dir/pushgateway.pid"
    # No cluster: one Alertmanager, nothing gossiped to other instances on this machine.
    write_alertmanager_conf "$receiver"
    setsid prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/alertmanager" \
        --web.listen-address="127.0.0.1:$alertmanager" --cluster.listen-address= \
        </dev/null >>"$dir/alertmanager.log" 2>&1 &
    echo $! > "$dir/alertmanager.pid"
    setsid python3 "$root/scripts/hostile-server.py" "$hostile" </dev/null >>"$dir/hostile.log" 2>&1 &
    echo $! > "$dir/hostile.pid"
    setsid "$venv/bin/python" "$root/scripts/otlp-receiver.py" "$otlp" </dev/null >>"$dir/otlp.log" 2>&1 &
    echo $! > "$dir/otlp.pid"
    local banner dns hostiledns
    banner=$(free_port); dns=$(free_udp_port); hostiledns=$(free_udp_port)
    write_banner_script
    setsid socat "TCP-LISTEN:$banner,bind=127.0.0.1,fork,reuseaddr" "EXEC:$dir/banner.sh" </dev/null >>"$dir/socat.log" 2>&1 &
    echo $! > "$dir/socat.pid"
    start_dnsmasq "$dns"
    setsid python3 "$root/scripts/hostile-dns.py" "$hostiledns" </dev/null >>"$dir/hostile-dns.log" 2>&1 &
    echo $! > "$dir/hostile-dns.pid"
    local httpproxy socks socks_only_host
    httpproxy=$(free_port); socks=$(free_port)
    start_tinyproxy "$httpproxy"
    start_microsocks "$socks"
    # CLOSED_PORT is 1 (tcpmux): nothing listens there, whereas a random "free" port could later be
    # taken by a test's own listener.
    cat > "$dir/env" <<EOF
CANARY_TEST_HTTPBIN=http://127.0.0.1:$httpbin
CANARY_TEST_NGINX=http://127.0.0.1:$http
CANARY_TEST_NGINX_TLS=https://localhost:$https
CANARY_TEST_NGINX_TLS_HTTPBIN=https://localhost:$https/httpbin
CANARY_TEST_NGINX_TLS_EXPIRED=https://localhost:$expired
CANARY_TEST_NGINX_TLS_WRONG_HOST=https://localhost:$wronghost
CANARY_TEST_HOSTILE=http://127.0.0.1:$hostile
CANARY_TEST_CA=$dir/certs/ca.pem
CANARY_TEST_NGINX_TLS_CHAIN=https://localhost:$chain
CANARY_TEST_NGINX_TLS_CLIENT_CERT=https://localhost:$clientcert
CANARY_TEST_CERTS=$dir/certs
CANARY_TEST_NGINX_H2C=http://127.0.0.1:$h2c
CANARY_TEST_NGINX_SOCKET=$dir/nginx.sock
CANARY_TEST_CLOSED_PORT=1
CANARY_TEST_PUSHGATEWAY=http://127.0.0.1:$pushgateway
CANARY_TEST_PROMTOOL=$(command -v promtool)
CANARY_TEST_PYTHON=$venv/bin/python
CANARY_TEST_ALERTMANAGER=http://127.0.0.1:$alertmanager
CANARY_TEST_ALERTMANAGER_RECEIVER_PORT=$receiver
CANARY_TEST_OTLP=http://127.0.0.1:$otlp
CANARY_TEST_BANNER_PORT=$banner
CANARY_TEST_DNS=127.0.0.1:$dns
CANARY_TEST_HOSTILE_DNS=127.0.0.1:$hostiledns
CANARY_TEST_HTTP_PROXY=http://127.0.0.1:$httpproxy
CANARY_TEST_HTTP_PROXY_USER=proxyuser:proxypass
CANARY_TEST_SOCKS_PROXY=127.0.0.1:$socks
CANARY_TEST_SOCKS_PROXY_USER=sockuser:sockpass
CANARY_TEST_SOCKS_ONLY_HOST=$socks_only_host
EOF
    wait_for "http://127.0.0.1:$httpbin/get"
    wait_for "http://127.0.0.1:$http/hello.txt"
    wait_for "https://localhost:$https/hello.txt" "--cacert $dir/certs/ca.pem"
    wait_for "http://127.0.0.1:$pushgateway/-/ready"
    wait_for "http://127.0.0.1:$hostile/ok"
    wait_for "http://127.0.0.1:$alertmanager/-/ready"
    wait_for "http://127.0.0.1:$otlp/ok"
    wait_for_dns "$dns"
    wait_for_dns "$hostiledns"
    wait_for_port "$httpproxy"
    wait_for_port "$socks"
    stamp_pids
    log "ready: $(tr '\n' ' ' < "$dir/env")"
}

pid_files=(nginx gunicorn pushgateway hostile alertmanager otlp socat dnsmasq hostile-dns tinyproxy microsocks)

# When a process started (field 22 of /proc/PID/stat, in clock ticks since boot): a PID and its
# start time name one process, whereas a PID alone is reused (pid_max is 32768 here, and builds
# wrap it within minutes).
started_at() {
    [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

# Writes NAME.start beside each NAME.pid, once every server is up.
stamp_pids() {
    local name pid
    for name in "${pid_files[@]}"; do
        pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
        [ -n "$pid" ] && started_at "$pid" > "$dir/$name.start"
    done
}

# Stops only the servers this folder started: a PID from a pid file is signalled only while it is
# still the process that was started (same start time; or, for a pid file from before the .start
# files, a command line naming this folder). A stale pid file from an earlier session must never
# kill whatever process has the number now, such as another checkout's test run.
stop() {
    local name pid stamp
    for name in "${pid_files[@]}"; do
        [ -f "$dir/$name.pid" ] || continue
        pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
        stamp=$(cat "$dir/$name.start" 2>/dev/null || true)
        if [ -n "$pid" ] && { if [ -n "$stamp" ]; then [ "$(started_at "$pid")" = "$stamp" ]
                               else tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir"; fi; }; then
            kill "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/$name.pid" "$dir/$name.start"
    done
    [ "${1:-}" = quiet ] || log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
