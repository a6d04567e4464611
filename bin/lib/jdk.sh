# Shared by bin/aralez, bin/aralez-controller and image/build.sh (POSIX sh, sourced): which JVM
# runs Aralez, and the flags that JVM needs. Sets JAVA (empty when none is found).

# The data plane's flags on any JVM, for bin/aralez's defaults and the image's entrypoint: exit on
# OutOfMemoryError (a restarted pod beats a wedged one), no collection for class metadata growth
# below 64 MiB (the JVM's ~21 MiB default made the ~27 MiB the data plane loads cost a full
# collection of 30-80 ms in the first seconds of traffic; the flag reserves nothing), and Netty's
# sampling leak detector off (~1% CPU per request; the test suite keeps it on).
DATAPLANE_OPTS="-XX:+ExitOnOutOfMemoryError -XX:MetaspaceSize=64m -Dio.netty.leakDetection.level=disabled"
# The reflective access Netty uses for direct buffers. Not tuning: bin/aralez passes it even when
# ARALEZ_JAVA_OPTS replaces the defaults (an AOT cache records the module options it was trained
# with, and a start without them logged errors and lost part of the cache).
NETTY_ACCESS_OPTS="-Dio.netty.tryReflectionSetAccessible=true --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"

# A value from the `release` file of the JDK a java binary belongs to (no JVM start): $1 java, $2 key.
jdk_release() {
  real=$(readlink -f "$1" 2>/dev/null || echo "$1")
  sed -n "s/^$2=\"\\(.*\\)\"/\\1/p" "$(dirname "$(dirname "$real")")/release" 2>/dev/null || true
}
# The feature version (17, 25...) of a java binary's JDK.
java_feature() {
  v=$(jdk_release "$1" JAVA_VERSION)
  echo "${v%%[!0-9]*}"
}

# The JVM: JAVA_HOME when set; otherwise the newest JDK (17 or later) among `java` on PATH and the
# JDKs installed under ARALEZ_JDK_DIRS. Newer is faster here: Temurin 25 served 4-37% more than
# Java 17 per window on both HTTP/1.1 and HTTP/2, and only 25+ can start from an AOT cache
# (bench/README.md, "Twelfth session").
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA=$(command -v java || true)
  BEST=$( [ -n "$JAVA" ] && java_feature "$JAVA" || true)
  for candidate in $(for d in ${ARALEZ_JDK_DIRS:-/usr/lib/jvm /opt/java}; do ls -d "$d"/*/bin/java "$d"/bin/java 2>/dev/null; done); do
    [ -x "$candidate" ] || continue
    f=$(java_feature "$candidate")
    if [ -n "$f" ] && [ "$f" -ge 17 ] && [ "$f" -gt "${BEST:-0}" ]; then
      JAVA=$candidate BEST=$f
    fi
  done
fi

# JAVA_REAL (the binary behind links), JAVA_FEATURE (from the `release` file, else `java -version`)
# and JDK_OPTS: Java 24+ warns about, and Netty 4.2 on Java 25+ stops using, sun.misc.Unsafe and
# JNI unless the JVM allows them; without Unsafe HTTP/2 over TLS measured about a third of its
# throughput (bench/README.md, "JDK 17 and 25"). The flags are unknown to Java 17, so only from 24
# on. They make that JVM usable, they are not tuning: callers keep them when users replace options.
JDK_OPTS=""
JAVA_REAL=""
JAVA_FEATURE=""
if [ -n "$JAVA" ]; then
  JAVA_REAL=$(readlink -f "$JAVA" 2>/dev/null || echo "$JAVA")
  JAVA_FEATURE=$(java_feature "$JAVA")
  if [ -z "$JAVA_FEATURE" ]; then
    JAVA_FEATURE=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  if [ "${JAVA_FEATURE:-0}" -ge 24 ] 2>/dev/null; then
    JDK_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
fi

# NATIVE_TRIM_OPTS: the JVM returns freed C-heap memory to the system every 10 s (malloc_trim).
# Without it glibc keeps what the JIT compilers' arenas freed (~20-30 MiB after warm-up: a single
# C2 compilation uses up to 21 MiB) resident for good; with it the data plane's peak RSS under
# HTTP/2 was 150-152 against 158-166 MiB, at no CPU per request the same-core A/B could see
# (bench/README.md, "Twenty-second session"). The flag is in JDK 22+, 21.0.1+ and 17.0.9+;
# experimental in the first backports, hence the unlock before 23. Tuning, so bin/aralez and
# bin/aralez-controller put it among the defaults ARALEZ_JAVA_OPTS replaces; image/build.sh puts it
# in the image's entrypoint and in the argument file the controller's manifests start Java with.
NATIVE_TRIM_OPTS=""
if [ -n "$JAVA" ]; then
  jv_update=$(jdk_release "$JAVA" JAVA_VERSION | cut -s -d. -f3)
  jv_update=${jv_update%%[!0-9]*}
  trim_since=1000 # the first update of a feature release that has the flag
  case "$JAVA_FEATURE" in 17) trim_since=9 ;; 21) trim_since=1 ;; esac
  if [ "${JAVA_FEATURE:-0}" -ge 23 ] 2>/dev/null; then
    NATIVE_TRIM_OPTS="-XX:TrimNativeHeapInterval=10000"
  elif [ "${JAVA_FEATURE:-0}" -eq 22 ] 2>/dev/null || [ "${jv_update:-0}" -ge "$trim_since" ]; then
    NATIVE_TRIM_OPTS="-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=10000"
  fi
fi
