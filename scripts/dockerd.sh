#!/usr/bin/env bash
# Run a private Docker engine for the Docker tests, with everything it keeps under one folder.
#
#   bash scripts/dockerd.sh start DIR   start dockerd, wait until `docker version` shows it
#   bash scripts/dockerd.sh env DIR     print the `export DOCKER_HOST=...` line for DIR
#   bash scripts/dockerd.sh stop DIR    stop dockerd and its containerd, leave no process
#
# The engine listens on DIR/docker.sock only, never on /var/run/docker.sock, and keeps its
# images in DIR/data, its runtime state in DIR/exec and its log in DIR/dockerd.log. It sets up
# no network: no iptables rules and no bridge (--iptables=false --bridge=none). vfs storage
# works on any file system and inside containers. Installing the engine (Debian's docker.io
# package) is up to the caller; this script needs root, as dockerd does.
set -euo pipefail

usage() {
  echo "usage: bash scripts/dockerd.sh start|stop|env DIR" >&2
  exit 2
}

[ "$#" -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

socket="$dir/docker.sock"
pidfile="$dir/docker.pid"
log="$dir/dockerd.log"
host="unix://$socket"
# Seconds to wait for the engine to respond on `start`, and for its processes to exit on `stop`.
start_timeout=${DOCKERD_START_TIMEOUT:-60}
stop_timeout=${DOCKERD_STOP_TIMEOUT:-30}

# Print the pids of live processes of the engine in $dir: dockerd, the containerd it manages
# and the containerd shims of its containers. Each is recognised by its program name and by
# $dir in its arguments (the shims name the containerd socket under $dir/exec).
processes_of_dir() {
  local entry program command
  for entry in /proc/[0-9]*; do
    { IFS= read -r -d '' program <"$entry/cmdline" && command=$(tr '\0' ' ' <"$entry/cmdline"); } \
      2>/dev/null || continue
    case "${program##*/}" in
      dockerd | containerd | containerd-shim*) ;;
      *) continue ;;
    esac
    case "$command" in
      *"$dir"*) echo "${entry#/proc/}" ;;
    esac
  done
}

# Unmount what dockerd left mounted under $dir (it keeps the host's network namespace bound
# at exec/netns/default), deepest first, so the folder can be deleted.
unmount_dir() {
  local point
  awk -v prefix="$dir/" 'index($2, prefix) == 1 { print $2 }' /proc/self/mounts | sort -r \
    | while IFS= read -r point; do umount "$point" || umount -l "$point"; done
}

engine_answers() {
  DOCKER_HOST=$host docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

dockerd_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  command -v dockerd >/dev/null || {
    echo "dockerd.sh: dockerd not found on PATH; install the engine first" \
      "(apt-get install -y --no-install-recommends docker.io)" >&2
    exit 1
  }
  if engine_answers; then
    echo "dockerd.sh: a Docker engine already responds on $socket"
    return
  fi
  mkdir -p "$dir/data" "$dir/exec"
  # An empty daemon config, so /etc/docker/daemon.json cannot add hosts or registries.
  echo '{}' >"$dir/daemon.json"
  setsid dockerd \
    --config-file "$dir/daemon.json" \
    --host "$host" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$pidfile" \
    --storage-driver vfs \
    --iptables=false \
    --bridge=none \
    </dev/null >"$log" 2>&1 &
  local launched=$! began=$SECONDS began_real=$EPOCHREALTIME
  until engine_answers; do
    if ! kill -0 "$launched" 2>/dev/null; then
      echo "dockerd.sh: dockerd exited while starting; last lines of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    if [ $((SECONDS - began)) -ge "$start_timeout" ]; then
      echo "dockerd.sh: timed out: the Docker engine did not respond on $socket within" \
        "${start_timeout} s; last lines of $log:" >&2
      tail -n 20 "$log" >&2
      stop
      exit 1
    fi
    sleep 0.2
  done
  local version elapsed
  version=$(DOCKER_HOST=$host docker version --format '{{.Server.Version}}')
  elapsed=$(awk -v a="$began_real" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  echo "dockerd.sh: Docker engine $version ready on $socket in $elapsed s"
}

# Stop dockerd with SIGTERM (it stops its containers and its containerd), then SIGKILL
# whatever of $dir is still running after $stop_timeout seconds.
stop() {
  local pid began=$SECONDS left
  if pid=$(dockerd_pid); then
    kill -TERM "$pid"
  fi
  while left=$(processes_of_dir) && [ -n "$left" ]; do
    if [ $((SECONDS - began)) -ge "$stop_timeout" ]; then
      echo "dockerd.sh: killing what is still running after ${stop_timeout} s:" $left >&2
      # shellcheck disable=SC2086
      kill -KILL $left 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  left=$(processes_of_dir)
  if [ -n "$left" ]; then
    echo "dockerd.sh: processes of $dir are still running:" $left >&2
    exit 1
  fi
  unmount_dir
  rm -f "$pidfile"
  echo "dockerd.sh: stopped; no Docker engine runs on $socket now"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  env) printf 'export DOCKER_HOST=%q\n' "$host" ;;
  *) usage ;;
esac
