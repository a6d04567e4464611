#!/usr/bin/env bash
# Runs the built image without a container runtime: unpacks its layers, then chroots into them as
# user 65532 (as root). Checks both entry points start, and that the proxy serves the example page.
#   image/smoke.sh [image/target/jib-image.tar]
set -euo pipefail
tar_file=${1:-image/target/jib-image.tar}
work=$(mktemp -d)
trap 'umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/oci" "$work/rootfs"
tar -xf "$tar_file" -C "$work/oci"
manifest=$(python3 -c "import json,sys; i=json.load(open('$work/oci/index.json')); print(i['manifests'][0]['digest'].split(':')[1])")
for layer in $(python3 -c "import json; m=json.load(open('$work/oci/blobs/sha256/$manifest')); print(' '.join(l['digest'].split(':')[1] for l in m['layers']))"); do
  tar -xzf "$work/oci/blobs/sha256/$layer" -C "$work/rootfs"
done
mkdir -p "$work/rootfs/proc" "$work/rootfs/tmp" "$work/rootfs/demo"
chmod 1777 "$work/rootfs/tmp"
mount -t proc proc "$work/rootfs/proc"
run() { chroot --userspec=65532:65532 "$work/rootfs" "$@"; }
java=(/opt/java/bin/java -cp @/app/jib-classpath-file)
run "${java[@]}" io.aralez.dataplane.Main --version
run "${java[@]}" io.aralez.controller.Main --help | head -1
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
run "${java[@]}" -Xmx128m io.aralez.dataplane.Main -c /demo/main.yaml > "$work/proxy.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null http://127.0.0.1:16193/ && break
  sleep 0.2
done
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:16193/)
kill "$pid"; wait "$pid" || true
grep -E "epoll|started" "$work/proxy.log" | head -3
[ "$code" = 200 ] && echo "smoke test passed: the image's proxy served the demo page as user 65532"
