#!/usr/bin/env bash
# Builds localhost/node-base:20, a stand-in for node:20-bookworm-slim, on a machine that cannot pull
# images: a minbase Debian bookworm made by debootstrap from the machine's own apt mirror, plus the
# machine's Node 20 and npm. The project's Dockerfile is then built FROM it (BASE_IMAGE build arg).
#
# Usage: scripts/build-base-image.sh [--force]
#   MW_CONTAINER_DIR  podman/buildah storage and scratch space (default /var/tmp/millwright-containers)
#   MW_BASE_IMAGE     image name to create (default localhost/node-base:20)
# Needs root. Installs debootstrap, podman, buildah and runc with apt-get when they are missing.
# Skips the work when the image already exists unless --force is given.
set -euo pipefail

die() { echo "build-base-image: $*" >&2; exit 1; }
log() { echo "build-base-image: $*" >&2; }

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"
WORK=${MW_CONTAINER_DIR:-/var/tmp/millwright-containers}
IMAGE=${MW_BASE_IMAGE:-localhost/node-base:20}
S=(--root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs)
FORCE=0
[[ ${1:-} == "--force" ]] && FORCE=1

need=()
for tool in debootstrap podman buildah runc; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null \
    || die "apt-get install ${need[*]} failed"
fi
mkdir -p "$WORK"
if [[ -z ${MW_CONTAINER_LOCKED:-} ]]; then
  exec 9>"$WORK/.lock"
  flock -w 1800 9 || die "another build holds $WORK/.lock"
fi

if ((FORCE == 0)) && podman "${S[@]}" image exists "$IMAGE" 2>/dev/null; then
  log "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi

# The machine's Debian mirror: the first URIs: line of the deb822 sources (security is separate).
MIRROR=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
[[ -n $MIRROR ]] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n $MIRROR ]] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
command -v node >/dev/null || die "node is not installed on this machine"
[[ $(node -p 'process.versions.node.split(".")[0]') == 20 ]] || die "the machine's node is not Node 20"

ROOTFS=$(mktemp -d "$WORK/rootfs.XXXXXX")
# mktemp makes the directory 0700, and it becomes the image's "/": a non-root user could then run nothing.
chmod 0755 "$ROOTFS"
trap 'rm -rf "$ROOTFS"' EXIT

log "debootstrap bookworm from $MIRROR (a minute or two)"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || die "debootstrap failed; see $WORK/debootstrap.log"

log "copying the machine's node $(node --version) and npm"
NODE_BIN=$(readlink -f "$(command -v node)")
NODE_LIB=$(dirname "$(readlink -f "$(command -v npm)")")/../..   # .../lib/node_modules
install -m 0755 "$NODE_BIN" "$ROOTFS/usr/bin/node"
mkdir -p "$ROOTFS/usr/lib/node_modules"
for pkg in npm corepack; do
  [[ -d $NODE_LIB/$pkg ]] && cp -a "$NODE_LIB/$pkg" "$ROOTFS/usr/lib/node_modules/"
done
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/bin/npx"
[[ -d $ROOTFS/usr/lib/node_modules/corepack ]] \
  && ln -sf ../lib/node_modules/corepack/dist/corepack.js "$ROOTFS/usr/bin/corepack"
# Node's headers let node-gyp compile native addons (better-sqlite3) without downloading them.
[[ -d /usr/include/node ]] && mkdir -p "$ROOTFS/usr/include" && cp -a /usr/include/node "$ROOTFS/usr/include/"

# As in the official image: a "node" user with uid/gid 1000.
chroot "$ROOTFS" groupadd --gid 1000 node
chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# Apt inside builds uses the same mirror as this machine (deb822, with the keyring debootstrap put
# in); the snapshot mirror's Release files are old, hence the validity override copied along.
rm -f "$ROOTFS/etc/apt/sources.list"
mkdir -p "$ROOTFS/etc/apt/sources.list.d" "$ROOTFS/etc/apt/apt.conf.d"
cp /etc/apt/sources.list.d/*.sources "$ROOTFS/etc/apt/sources.list.d/"
printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' \
  >"$ROOTFS/etc/apt/apt.conf.d/99millwright-snapshot"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/*.log

"$ROOTFS/usr/bin/node" --version >/dev/null || die "node does not run from the new root file system"
env -u NODE_EXTRA_CA_CERTS chroot "$ROOTFS" /usr/bin/node -e 'process.exit(0)' || die "node does not run inside the new root file system"

log "importing as $IMAGE"
tar -C "$ROOTFS" --numeric-owner -c . | podman "${S[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$(node -p process.versions.node)" \
  --change 'CMD ["node"]' - "$IMAGE" >"$WORK/import.log" 2>&1 || die "podman import failed; see $WORK/import.log"
log "done: $IMAGE ($(podman "${S[@]}" image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec))"
