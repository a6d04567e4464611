#!/usr/bin/env bash
# Runs the built image without a container runtime: unpacks its layers, then chroots into them as
# user 65532 (as root). Checks both entry points start, that the image's own entrypoint serves the
# example page, and, when the image carries an AOT cache, that its JVM can use it.
#   image/smoke.sh [image/target/jib-image.tar]
set -euo pipefail
tar_file=${1:-image/target/jib-image.tar}
work=$(mktemp -d)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
rootfs_from_image "$tar_file" "$work"
# What bin/lib/jdk.sh gives the image's own runtime (read from its release file): NATIVE_TRIM_OPTS.
# shellcheck source=../bin/lib/jdk.sh
JAVA_HOME="$work/rootfs/opt/java" . "$(dirname "$0")/../bin/lib/jdk.sh"
mkdir -p "$work/rootfs/demo"
run() { chroot --userspec=65532:65532 "$work/rootfs" "$@"; }
# Starts a command in the image as 65532, waits (up to 20 s) for a URL to answer, prints its status
# code and stops the command: $1 URL, $2 log file, the rest the command. chroot is started here, in
# the background, so that $! is the JVM's pid (chroot execs it) and the kill reaches it.
serve_once() {
  local url=$1 log=$2 pid code
  shift 2
  chroot --userspec=65532:65532 "$work/rootfs" "$@" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$url" && break
    sleep 0.2
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
  kill "$pid"; wait "$pid" || true
  echo "$code"
}
java=(/opt/java/bin/java @/opt/aralez/jvm.args -cp @/app/jib-classpath-file)
run "${java[@]}" io.aralez.dataplane.Main --version
# The controller as deploy/controller.yaml starts it (its command list, read from the manifest), up
# to its gRPC and HTTP listeners (no API server here: a kubeconfig pointing at a closed port). With
# the runtime's argument file a Java 24+ image starts it without the JVM's warnings.
mapfile -t controller < <(awk '/^ *command:/{on=1;next} on&&/^ *- /{sub(/^ *- /,"");gsub(/"/,"");print;next} on{exit}' \
  "$(dirname "$0")/../deploy/controller.yaml")
echo "controller: ${controller[*]}"
printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n' \
  > "$work/rootfs/demo/kubeconfig"
# -Xlog:trimnative: the JVM says whether the argument file's C-heap trim is on.
serve_once http://127.0.0.1:18156/healthz "$work/controller.log" "${controller[0]}" -Xlog:trimnative=info "${controller[@]:1}" \
  --kubeconfig /demo/kubeconfig --grpc-address=127.0.0.1:18155 --http-address=127.0.0.1:18156 >/dev/null
grep -q "gRPC listening" "$work/controller.log" || { cat "$work/controller.log" >&2; echo "image/smoke.sh: the controller did not start" >&2; exit 1; }
if grep -q '^WARNING' "$work/controller.log"; then
  echo "image/smoke.sh: the controller, started as deploy/controller.yaml says, warns:" >&2
  grep '^WARNING' "$work/controller.log" >&2
  exit 1
fi
if [ -n "$NATIVE_TRIM_OPTS" ] && ! grep -q "Periodic native trim enabled" "$work/controller.log"; then
  echo "image/smoke.sh: the controller's JVM does not trim its C heap (jvm.args: $(tr '\n' ' ' < "$work/rootfs/opt/aralez/jvm.args"))" >&2
  exit 1
fi
echo "the controller starts as deploy/controller.yaml says, without JVM warnings, its C heap trimmed"
mapfile -t entry < <(image_entrypoint "$work/config.json")
echo "entrypoint: ${entry[*]}"
if printf '%s\n' "${entry[@]}" | grep -q '^-XX:AOTCache='; then
  # AOTMode=on: the JVM exits instead of starting without the cache (wrong JDK, class path, jars).
  run "${entry[0]}" -XX:AOTMode=on "${entry[@]:1}" --version
  echo "the image's AOT cache is usable by its JVM"
fi
cp -r examples/www "$work/rootfs/demo/www"
cat > "$work/rootfs/demo/main.yaml" <<YAML
proxy_address_http: 127.0.0.1:16193
upstreams_conf: upstreams.yaml
file_server_folder: www
file_server_address: 127.0.0.1:13002
YAML
cat > "$work/rootfs/demo/upstreams.yaml" <<YAML
provider: file
DEFAULT:
  paths:
    "/": {servers: ["127.0.0.1:13002"]}
YAML
code=$(serve_once http://127.0.0.1:16193/ "$work/proxy.log" "${entry[@]}" -c /demo/main.yaml)
grep -E "transport|started" "$work/proxy.log" | head -3
[ "$code" = 200 ] && echo "smoke test passed: the image's proxy served the demo page as user 65532"
