#!/usr/bin/env bash
# Installs what building and testing ShopBooks needs on Debian/Ubuntu, when it is missing:
# a C compiler and the GL/X11 headers Fyne needs (cgo), and for the tests Xvfb, xwd and
# ImageMagick (the screenshot check). Idempotent: does nothing when all is there.
# usage: scripts/deps.sh build|test
set -eu
want="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
if [ "${1:-build}" = test ]; then
	want="$want xvfb x11-apps imagemagick poppler-utils libreoffice-calc-nogui hledger"
fi
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v go >/dev/null 2>&1; then
	echo "Go is not installed: get it from https://go.dev/dl/ (1.26 or newer)" >&2
	exit 1
fi
echo "installing:$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q $missing || { $sudo apt-get update -q && $sudo apt-get install -y -q $missing; }
