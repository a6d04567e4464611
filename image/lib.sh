# Shared by image/build.sh and image/smoke.sh (bash, sourced).

# Unpacks an OCI image tarball's layers into a directory: $1 tarball, $2 scratch dir, $3 rootfs.
unpack_image() {
  local manifest layer
  mkdir -p "$2/oci" "$3"
  tar -xf "$1" -C "$2/oci"
  manifest=$(python3 -c "import json; i=json.load(open('$2/oci/index.json')); print(i['manifests'][0]['digest'].split(':')[1])")
  for layer in $(python3 -c "import json; m=json.load(open('$2/oci/blobs/sha256/$manifest')); print(' '.join(l['digest'].split(':')[1] for l in m['layers']))"); do
    tar -xzf "$2/oci/blobs/sha256/$layer" -C "$3"
  done
  # The image config (entrypoint, user) next to the layers, for whoever runs it.
  python3 -c "import json; m=json.load(open('$2/oci/blobs/sha256/$manifest')); print(m['config']['digest'].split(':')[1])" \
    | { read -r c; cp "$2/oci/blobs/sha256/$c" "$2/config.json"; }
}

# The image's entrypoint, one argument per line: $1 the config.json unpack_image left.
image_entrypoint() {
  python3 -c "import json,sys; print('\n'.join(json.load(open(sys.argv[1]))['config']['Entrypoint']))" "$1"
}

# Unpacks the image ($1, a tarball) into $2/rootfs and makes it runnable with chroot: a
# world-writable /tmp and /proc mounted (the JVM reads it). An EXIT trap unmounts /proc and removes
# $2, however the caller ends.
rootfs_from_image() {
  # shellcheck disable=SC2064 # the paths are fixed now, on purpose
  trap "umount '$2/rootfs/proc' 2>/dev/null || true; rm -rf '$2'" EXIT
  unpack_image "$1" "$2" "$2/rootfs"
  mkdir -p "$2/rootfs/proc" "$2/rootfs/tmp" && chmod 1777 "$2/rootfs/tmp"
  mount -t proc proc "$2/rootfs/proc"
}
