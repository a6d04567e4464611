#!/usr/bin/env bash
# Builds the Aralez OCI image without Docker: image/target/jib-image.tar
#   image/build.sh            (as root or with sudo for apt-get; Debian/Ubuntu)
# 1. the jars; 2. a jlink runtime of just the modules they use; 3. the C libraries that runtime
# links against, from Debian packages; 4. Jib puts it all on `scratch`, user 65532.
# Load it with `docker load -i`, `ctr images import`, `podman load` or `skopeo copy oci-archive:`.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
root=image/target/rootfs
rm -rf "$root" && mkdir -p "$root/opt" image/target/debs

cp_file=$(mktemp)
./mvnw -B -q -Pimage -pl image dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file"
jars=$(tr ':' ' ' < "$cp_file")
# jdeps finds what the code needs; the rest are loaded by name at run time (crypto providers,
# the JDK HTTP server and client, management for metrics, DNS for the resolver).
found=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 $jars 2>/dev/null || true)
modules="${found:+$found,}java.base,java.logging,java.naming,java.net.http,java.management,jdk.management,jdk.crypto.ec,jdk.unsupported,jdk.httpserver,jdk.naming.dns,java.security.jgss"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$root/opt/java"

(cd image/target/debs && apt-get download libc6 zlib1g libstdc++6 libgcc-s1 >/dev/null)
for deb in image/target/debs/*.deb; do dpkg -x "$deb" "$root"; done
rm -rf "$root/usr/share" "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/sbin" "$root/usr/sbin" "$root/usr/bin" "$root/etc/ld.so.conf.d"
mkdir -p "$root/tmp" "$root/etc"
# The JDK looks these up for the user name; the image runs as 65532.
echo 'nonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin' > "$root/etc/passwd"
echo 'nonroot:x:65532:' > "$root/etc/group"

./mvnw -B -q -Pimage -pl image package jib:buildTar
ls -l image/target/jib-image.tar
echo "image size: $(du -m image/target/jib-image.tar | cut -f1) MiB (tar), runtime $(du -sm "$root/opt/java" | cut -f1) MiB"
