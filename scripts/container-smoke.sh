#!/usr/bin/env bash
# Container smoke test: builds deploy/docker/Dockerfile for real with buildah and runs it with podman,
# on a machine without a container daemon or a reachable image registry, then checks
# /v2/health/ready and one prediction. Takes a few minutes (see the timing it prints).
#
# Usage: scripts/container-smoke.sh [--clean] [--rebuild-base]
#   --clean              also delete the base image and all container storage afterwards
#   --rebuild-base       rebuild localhost/node-base:20 even if it exists
#   MW_CONTAINER_DIR     storage and scratch space (default /var/tmp/millwright-containers)
#   MW_SMOKE_MODEL_DIR   an existing model registry to bake; default: train one with the CLI (seeded)
#   MW_SMOKE_TIMEOUT     seconds to wait for readiness (default 120)
# Needs root; installs buildah, podman, runc and debootstrap when missing. Exit 0 on success, 1 on
# any failure, with the reason on stderr and the build/run logs left in MW_CONTAINER_DIR.
set -euo pipefail

START=$(date +%s)
die() { echo "container-smoke: FAIL: $*" >&2; exit 1; }
log() { echo "container-smoke: [$(($(date +%s) - START))s] $*" >&2; }

[[ $(id -u) -eq 0 ]] || die "must run as root (buildah/podman with vfs storage and chroot isolation)"
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${MW_CONTAINER_DIR:-/var/tmp/millwright-containers}
BASE=localhost/node-base:20
IMAGE=localhost/millwright:smoke
NAME=millwright-smoke-$$
CLEAN_ALL=0
BASE_ARGS=()
for arg in "$@"; do
  case $arg in
    --clean) CLEAN_ALL=1 ;;
    --rebuild-base) BASE_ARGS=(--force) ;;
    *) die "unknown argument $arg (expected --clean or --rebuild-base)" ;;
  esac
done
S=(--root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs)
RUN_OPTS=(--cgroup-manager cgroupfs --runtime runc)
CTX=""
mkdir -p "$WORK"
# One build at a time per storage directory: vfs storage does not like two writers.
exec 9>"$WORK/.lock"
flock -w 1800 9 || die "another smoke run holds $WORK/.lock"
export MW_CONTAINER_LOCKED=1

cleanup() {
  local rc=$?
  podman "${S[@]}" "${RUN_OPTS[@]}" rm -f -t 10 "$NAME" >/dev/null 2>&1 || true
  podman "${S[@]}" rmi -f "$IMAGE" >/dev/null 2>&1 || true
  # A failed build can leave a working container behind, and the build stage's image is left
  # untagged; with vfs each is a full copy (about 1 GB).
  buildah "${S[@]}" rm --all >/dev/null 2>&1 || true
  podman "${S[@]}" image prune -f >/dev/null 2>&1 || true
  [[ -n $CTX ]] && rm -rf "$CTX"
  if ((CLEAN_ALL)); then
    podman "${S[@]}" system reset -f >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
  if ((rc == 0)); then log "cleaned up"; else echo "container-smoke: logs kept in $WORK" >&2; fi
}
trap cleanup EXIT

# 1. The base image (and the tools): a no-op when it exists already.
MW_CONTAINER_DIR=$WORK MW_BASE_IMAGE=$BASE "$REPO/scripts/build-base-image.sh" "${BASE_ARGS[@]}" || die "base image build failed"

# 2. A clean build context holding what the Dockerfile copies, as a fresh CI checkout would.
CTX=$(mktemp -d "$WORK/context.XXXXXX")
log "staging the build context in $CTX"
(cd "$REPO" && tar -c package.json package-lock.json tsconfig.json scripts/build-if-stale.mjs src web .dockerignore deploy/docker/Dockerfile) \
  | tar -C "$CTX" -x || die "cannot stage the build context from $REPO"

# 3. The model to bake: an existing registry, or a small seeded one trained now with the CLI.
if [[ -n ${MW_SMOKE_MODEL_DIR:-} ]]; then
  [[ -d $MW_SMOKE_MODEL_DIR ]] || die "MW_SMOKE_MODEL_DIR=$MW_SMOKE_MODEL_DIR is not a directory"
  cp -a "$MW_SMOKE_MODEL_DIR" "$CTX/models"
else
  [[ -f $REPO/src/cli/main.ts ]] || die "src/cli/main.ts is missing: cannot train a model to bake (or set MW_SMOKE_MODEL_DIR)"
  [[ -d $REPO/node_modules ]] || die "run npm ci in $REPO first (the host trains the model to bake)"
  log "training a seeded model to bake"
  mw() { (cd "$REPO" && node --import tsx src/cli/main.ts "$@"); }
  mw simulate --machines 10 --days 30 --seed 7 --out "$CTX/smoke-data.csv" >"$WORK/train.log" 2>&1 \
    || die "millwright simulate failed; see $WORK/train.log"
  mw train --data "$CTX/smoke-data.csv" --registry "$CTX/models" --seed 7 --json >>"$WORK/train.log" 2>&1 \
    || die "millwright train failed; see $WORK/train.log"
  rm -f "$CTX/smoke-data.csv"
fi

# 4. Build. npm inside the build needs the machine's CA bundle (TLS interception) and Node's local
#    headers for node-gyp; both are mounted for the build only and are not in any layer.
NPMRC="$WORK/npmrc"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nnodedir=/usr\naudit=false\nfund=false\nupdate-notifier=false\n' >"$NPMRC"
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded (as here): minutes
# of g++ on a busy 2-core machine. The host's own build is the same binary (same Debian, same Node
# ABI), so hand it to prebuild-install as a "local prebuild" through a build-time mount; the
# Dockerfile is unchanged and still compiles when nothing is mounted (python3/make/g++ are there).
PREBUILD_MOUNTS=()
ADDON="$REPO/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
if [[ -f $ADDON ]]; then
  BSQL_VERSION=$(node -p "require('$REPO/node_modules/better-sqlite3/package.json').version")
  LOCK_VERSION=$(node -p "require('$REPO/package-lock.json').packages['node_modules/better-sqlite3']?.version ?? ''")
  if [[ $BSQL_VERSION == "$LOCK_VERSION" ]]; then
    mkdir -p "$WORK/prebuilds"
    TARBALL="better-sqlite3-v$BSQL_VERSION-node-v$(node -p process.versions.modules)-linux-$(node -p process.arch).tar.gz"
    tar -C "$REPO/node_modules/better-sqlite3" -czf "$WORK/prebuilds/$TARBALL" build/Release/better_sqlite3.node
    printf 'local-prebuilds=/prebuilds\n' >"$WORK/prebuild-installrc"
    PREBUILD_MOUNTS=(-v "$WORK/prebuilds:/prebuilds:ro" -v "$WORK/prebuild-installrc:/etc/prebuild-installrc:ro"
      --build-arg NATIVE_BUILD_TOOLS=)
    log "using the host's better-sqlite3 $BSQL_VERSION binary as a local prebuild"
  fi
fi

REVISION=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
log "building $IMAGE from $BASE"
buildah "${S[@]}" bud --isolation chroot \
  --build-arg BASE_IMAGE="$BASE" --build-arg VERSION=0.0.0-smoke --build-arg REVISION="$REVISION" \
  --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
  -v "$NPMRC:/usr/etc/npmrc:ro" "${PREBUILD_MOUNTS[@]}" \
  -f "$CTX/deploy/docker/Dockerfile" -t "$IMAGE" "$CTX" >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log" >&2; die "buildah bud failed; see $WORK/build.log"; }
log "built: $(podman "${S[@]}" image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec)"

LABEL=$(podman "${S[@]}" image inspect --format '{{index .Labels "org.opencontainers.image.revision"}}' "$IMAGE")
[[ $LABEL == "$REVISION" ]] || die "image label org.opencontainers.image.revision is '$LABEL', expected $REVISION"
USER_=$(podman "${S[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
[[ $USER_ == 1000:1000 ]] || die "image user is '$USER_', expected 1000:1000 (non-root)"

# 5. Run it as the cluster will: read-only root, a tmpfs /tmp, the image's own CMD.
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log "starting $NAME on 127.0.0.1:$PORT"
podman "${S[@]}" "${RUN_OPTS[@]}" run -d --name "$NAME" \
  --ulimit nofile=1024:1024 --ulimit nproc=1000:1000 \
  --read-only --tmpfs /tmp -p "127.0.0.1:$PORT:8080" "$IMAGE" >"$WORK/run.log" 2>&1 \
  || { cat "$WORK/run.log" >&2; die "podman run failed"; }

URL="http://127.0.0.1:$PORT"
DEADLINE=$(($(date +%s) + ${MW_SMOKE_TIMEOUT:-120}))
until [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL/v2/health/ready" || true) == 200 ]]; do
  if [[ $(podman "${S[@]}" inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null) != true ]]; then
    podman "${S[@]}" logs "$NAME" >"$WORK/container.log" 2>&1 || true
    tail -n 30 "$WORK/container.log" >&2
    die "the container exited before it was ready; see $WORK/container.log"
  fi
  if (($(date +%s) > DEADLINE)); then
    podman "${S[@]}" logs "$NAME" >"$WORK/container.log" 2>&1 || true
    tail -n 30 "$WORK/container.log" >&2
    die "$URL/v2/health/ready did not answer 200 within ${MW_SMOKE_TIMEOUT:-120}s"
  fi
  sleep 1
done
log "ready: GET /v2/health/ready -> 200"

# The AI4I contract's names: a machine and its process counter (UDI), then the readings.
READING='{"machine_id":"smoke-01","timestamp":1,"type":"L","air_temperature":300.1,"process_temperature":310.2,"rotational_speed":1500,"torque":40.1,"tool_wear":100}'
BODY=$(curl -s -f -X POST -H 'content-type: application/json' --data "$READING" "$URL/v1/predict") \
  || die "POST /v1/predict failed"
echo "$BODY" | jq -e '(.failure_probability | type == "number") and .failure_probability >= 0 and .failure_probability <= 1' \
  >/dev/null || die "POST /v1/predict answered without a failure_probability in [0,1]: $BODY"
log "predict: $(echo "$BODY" | jq -c '{failure_probability, model: (.model.version // .model_version // null)}')"

podman "${S[@]}" "${RUN_OPTS[@]}" stop -t 10 "$NAME" >/dev/null || die "podman stop failed"
log "PASS in $(($(date +%s) - START))s"
