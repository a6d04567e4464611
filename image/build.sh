#!/usr/bin/env bash
# Builds the Aralez OCI image without Docker: image/target/jib-image.tar
#   image/build.sh            (as root or with sudo for apt-get; Debian/Ubuntu)
# 1. the jars; 2. a jlink runtime of just the modules they use, from the JDK bin/aralez would pick
# (the newest installed, 17 or later; JAVA_HOME pins one); 3. the C libraries that runtime links
# against, from Debian packages; 4. Jib puts it all on `scratch`, user 65532; 5. with a JDK 25+
# runtime and root, the image's own JVM, chrooted into the image, runs the AOT training
# (`aralez --train-aot`) and Jib builds the image again with the cache in /opt/aralez and
# `-XX:AOTCache` in the entrypoint. IMAGE_AOT=0 skips the training; IMAGE_AOT_SECONDS (default 40).
# Load it with `docker load -i`, `ctr images import`, `podman load` or `skopeo copy oci-archive:`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/lib/jdk.sh
APP_HOME=$PWD . bin/lib/jdk.sh
# shellcheck source=lib.sh
. image/lib.sh
if [ -z "$JAVA" ]; then echo "image/build.sh: no JDK 17 or newer found" >&2; exit 1; fi
jdk_home=$(dirname "$(dirname "$JAVA_REAL")")
echo "image runtime from $jdk_home (Java $JAVA_FEATURE)"
./mvnw -B -q install -DskipTests
root=image/target/rootfs
aot=image/target/aot
# The image module has no classes or resources of its own: a stale file in them would put a
# non-empty directory on the class path, which an AOT cache refuses.
rm -rf "$root" "$aot" image/target/classes && mkdir -p "$root/opt" "$aot" image/target/debs image/target/classes

cp_file=$(mktemp)
./mvnw -B -q -Pimage -pl image dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file"
jars=$(tr ':' ' ' < "$cp_file")
rm -f "$cp_file"
# jdeps finds what the code needs; the rest are loaded by name at run time (crypto providers,
# the JDK HTTP server and client, management for metrics, DNS for the resolver).
found=$("$jdk_home/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 $jars 2>/dev/null || true)
# jdeps gives up on some jars (acme4j names a module, jose4j, that is not one) and then prints an
# error instead of a list: only a list of module names is used; the fixed list covers the rest.
if ! [[ $found =~ ^[A-Za-z0-9.,]+$ ]]; then found=""; fi
modules="${found:+$found,}java.base,java.logging,java.xml,java.naming,java.net.http,java.management,jdk.management,jdk.crypto.ec,jdk.unsupported,jdk.httpserver,jdk.naming.dns,java.security.jgss"
# zip-6 is what 2 meant; JDK 21+ deprecates the number.
if [ "$JAVA_FEATURE" -ge 21 ]; then compress=zip-6; else compress=2; fi
"$jdk_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "--compress=$compress" \
  --output "$root/opt/java"

(cd image/target/debs && apt-get download libc6 zlib1g libstdc++6 libgcc-s1 >/dev/null)
for deb in image/target/debs/*.deb; do dpkg -x "$deb" "$root"; done
rm -rf "$root/usr/share" "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/sbin" "$root/usr/sbin" "$root/usr/bin" "$root/etc/ld.so.conf.d"
mkdir -p "$root/tmp" "$root/etc"
# The JDK looks these up for the user name; the image runs as 65532.
echo 'nonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin' > "$root/etc/passwd"
echo 'nonroot:x:65532:' > "$root/etc/group"

# What a Java 24+ runtime needs and the C-heap trim this runtime has the flag for (bin/lib/jdk.sh),
# as a java argument file for the commands that do not go through the entrypoint: the controller's
# manifests start `java @/opt/aralez/jvm.args`, which keeps them free of version-specific flags.
mkdir -p "$root/opt/aralez"
printf '%s\n' $JDK_OPTS $NATIVE_TRIM_OPTS > "$root/opt/aralez/jvm.args"

# The entrypoint: the data plane with bin/aralez's flags for a container (parallel collector: a
# pod may have more than two CPUs; the C heap trimmed), plus what a Java 24+ runtime needs
# (bin/lib/jdk.sh).
entry="/opt/java/bin/java $JDK_OPTS -Xms64m -Xmx256m -XX:MaxDirectMemorySize=256m -XX:+UseParallelGC"
entry="$entry $NATIVE_TRIM_OPTS $DATAPLANE_OPTS $NETTY_ACCESS_OPTS"
main="-cp @/app/jib-classpath-file io.aralez.dataplane.Main"
jib() { # $1: the entrypoint, space-separated (no argument contains a space or a comma)
  ./mvnw -B -q -Pimage -pl image package jib:buildTar "-Djib.container.entrypoint=$(echo "$1" | tr -s ' ' ',')"
}
jib "$entry $main"

if [ "${JAVA_FEATURE:-0}" -ge 25 ] && [ "${IMAGE_AOT:-1}" != 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "image/build.sh: no AOT cache in the image: the training chroots into it, which needs root" >&2
  else
    # The cache is only used with the class path, jars and JVM it was trained with: so the training
    # runs inside the image just built, as its user, with its entrypoint's flags. On epoll: pods run
    # with the RuntimeDefault seccomp profile (deploy/, the chart), which refuses io_uring, so that
    # is the transport whose paths the cache must hold compiled.
    work=$(mktemp -d)
    rootfs_from_image image/target/jib-image.tar "$work"
    # shellcheck disable=SC2086
    chroot --userspec=65532:65532 "$work/rootfs" $entry -cp @/app/jib-classpath-file \
      io.aralez.dataplane.aot.AotTraining --cache /tmp/aralez.aot --classpath @/app/jib-classpath-file \
      --seconds "${IMAGE_AOT_SECONDS:-40}" -- $entry -Daralez.transport=epoll
    mkdir -p "$aot/opt/aralez" && cp "$work/rootfs/tmp/aralez.aot" "$aot/opt/aralez/aralez.aot"
    jib "$entry -XX:AOTCache=/opt/aralez/aralez.aot $main"
  fi
fi
ls -l image/target/jib-image.tar
echo "image size: $(du -m image/target/jib-image.tar | cut -f1) MiB (tar), runtime $(du -sm "$root/opt/java" | cut -f1) MiB, AOT cache $(du -sm "$aot" | cut -f1) MiB"
