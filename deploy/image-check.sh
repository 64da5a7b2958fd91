#!/usr/bin/env bash
# Builds the container image from deploy/Containerfile and runs, inside it, what a
# container runtime would run: the image's ENTRYPOINT + CMD (`rhizome serve`, as its
# non-root user, data in /var/lib/rhizome) and its HEALTHCHECK command (`rhizome health`).
#
#   bash deploy/image-check.sh [BINARY]      (default: target/debug/rhizome)
#
# Made for a machine like CI's, where (docs/OPERATING.md says what was tried):
# - no registry but Debian's is reachable: the Debian base image is made with
#   debootstrap and imported as localhost/debian:bookworm-slim, and the Rust build stage
#   is replaced by an already built binary (`--build-context build=DIR`);
# - containers cannot be started (the sandbox refuses the runtime's setrlimit), but
#   buildah's chroot isolation works: the build's RUN steps and the checks run that way,
#   on the host's network.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/debug/rhizome}
base=localhost/debian:bookworm-slim
image=localhost/rhizome:check
# A free port on loopback (the checks run on the host's network).
port=${RHIZOME_IMAGE_CHECK_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

if ! command -v podman >/dev/null || ! command -v buildah >/dev/null; then
  apt-get update -qq && apt-get install -y -qq podman buildah >/dev/null
fi
if ! podman image exists "$base"; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  rootfs=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$rootfs" >/dev/null
  tar -C "$rootfs" -c . | podman import -q - "$base" >/dev/null
  rm -rf "$rootfs"
fi

context=$(mktemp -d)
container=
cleanup() {
  [ -n "$container" ] && buildah rm "$container" >/dev/null 2>&1 || true
  podman rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$context"
}
trap cleanup EXIT
install -D -m 0755 "$binary" "$context/usr/local/bin/rhizome"
podman build -q --format docker --isolation chroot --target runtime \
  --build-context build="$context" --build-arg RUNTIME_IMAGE="$base" \
  -f deploy/Containerfile -t "$image" . >/dev/null

config() { podman image inspect "$image" --format "$1"; }
[ "$(config '{{.Config.User}}')" = "rhizome:rhizome" ] || { echo "image does not run as rhizome" >&2; exit 1; }
run=$(config '{{join .Config.Entrypoint " "}} {{join .Config.Cmd " "}}')
health=$(config '{{join .Config.Healthcheck.Test " "}}')
health=${health#CMD }
echo "image built: runs '$run', health check '$health'"

container=$(buildah from -q "$image")
# The image's own command and health check, in one run so that the server is stopped
# with its shell: up, healthy (or, before /health exists, answering /), then SIGTERM.
buildah run --isolation chroot \
  --env RHIZOME_LISTEN="127.0.0.1:$port" --env RHIZOME_DOMAIN="localhost:$port" \
  "$container" -- sh -ec "
    $run > /tmp/serve.log 2>&1 & server=\$!
    for _ in \$(seq 60); do
      if out=\$($health 2>&1); then echo \"health check: \$out\"; break; fi
      case \"\$out\" in *' 404 '*)
        $health --path / >/dev/null && echo 'health check: /health is absent from this build: / answered' && break;;
      esac
      kill -0 \$server 2>/dev/null || { cat /tmp/serve.log; exit 1; }
      sleep 1
    done
    $health --path / >/dev/null
    test -s /var/lib/rhizome/rhizome.db
    test \"\$(stat -c %U /var/lib/rhizome/rhizome.db)\" = rhizome
    kill -TERM \$server; wait \$server
    echo 'serve stopped on SIGTERM; data in /var/lib/rhizome, owned by rhizome'
  "
echo "image check passed"
