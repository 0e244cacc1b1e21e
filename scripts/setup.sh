#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, and only those missing.
# apt-get update runs only when something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libuv1-dev libsecp256k1-dev libsqlite3-dev libzmq3-dev libsodium-dev liburing-dev
  doctest-dev nlohmann-json3-dev libcli11-dev
  opencl-headers ocl-icd-opencl-dev pocl-opencl-icd
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
