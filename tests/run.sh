#!/usr/bin/env bash
# The test command the README gives (and .ci/run calls): installs what the tests need on a fresh
# Debian machine, then runs the whole suite. Extra arguments go to pytest.
#   - uv, if missing (pip);
#   - Debian's Chromium and CJK fonts for the browser tests (no browser download works here);
#   - Java 17 for the Spark engine tests (local PySpark 4).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
else
    python3 -m pip install --quiet uv
    UV=(python3 -m uv)
fi
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium fonts-noto-cjk fonts-noto-color-emoji)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
if [ ${#packages[@]} -gt 0 ]; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "Install as root: apt-get install ${packages[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    echo "Installing ${packages[*]} (Debian packages the browser and Spark tests need)..." >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
fi
"${UV[@]}" sync --locked
exec "${UV[@]}" run pytest -n 2 --dist loadfile "$@"
