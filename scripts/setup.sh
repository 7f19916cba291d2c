#!/usr/bin/env bash
# Set up registry-dojo on a Debian or Ubuntu machine, then start the course.
#
#   bash scripts/setup.sh              install everything, then run `registry-dojo start`
#   bash scripts/setup.sh --no-start   install everything and stop there (CI uses this)
#
# It installs the system packages (the CNCF distribution registry and skopeo), creates the
# virtual environment .venv in the repository and installs the course package into it.
set -euo pipefail

start=1
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    *) echo "setup.sh: invalid option '$arg'; run it with --no-start or with no option" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=(docker-registry skopeo)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# Debian's docker-registry package ships a service that listens on :5000 on every interface.
# The course runs its own registry on 127.0.0.1, so the packaged service is switched off.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  if systemctl is-enabled --quiet docker-registry 2>/dev/null \
    || systemctl is-active --quiet docker-registry 2>/dev/null; then
    echo "==> disabling the packaged docker-registry service (it listens on all interfaces)"
    as_root systemctl disable --now docker-registry
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment .venv"
  python3 -m venv .venv
fi
echo "==> installing registry-dojo into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null

if [ "$start" -eq 1 ]; then
  echo "==> starting the lab registry and JupyterLab (Ctrl-C stops JupyterLab)"
  exec .venv/bin/registry-dojo start
fi
echo "==> done: start the course with .venv/bin/registry-dojo start"
