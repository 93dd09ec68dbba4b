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

# Builds the release binary and sets $bin to it.
build_release() {
    swift build -c release --product canary >&2
    bin="$(swift build -c release --show-bin-path)/canary"
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
