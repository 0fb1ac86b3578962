#!/usr/bin/env bash
# Install a built CampusNet folder (dist/campusnet from packaging/build_linux.sh, or an unpacked release) with its
# menu entry and icon, and optionally the background polling service.
#
#     sudo packaging/linux/install.sh --system [--service]   # /opt/campusnet, for every user of this computer
#     packaging/linux/install.sh --user [--service]          # ~/.local/opt/campusnet, for you only
#
# Options:
#     --system | --user   where to install (default: --system as root, --user otherwise)
#     --service           also install and start the polling service: the system unit campusnet-poll.service
#                         (user "campusnet", store /var/lib/campusnet/inventory.db) with --system, or the user unit
#                         (store ~/.local/share/CampusNet/inventory.db) with --user
#     --no-start          install the service but do not enable or start it (prints the command that does)
#     --from DIR          the built folder (default: dist/campusnet of this repository)
#
# Installing again replaces the program and keeps the data. packaging/linux/uninstall.sh undoes it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

mode=""
service=0
start=1
from=""
while [ $# -gt 0 ]; do
    case "$1" in
        --system) mode=system ;;
        --user) mode=user ;;
        --service) service=1 ;;
        --no-start) start=0 ;;
        --from)
            [ $# -ge 2 ] || fail "--from needs a folder"
            from="$2"
            shift
            ;;
        -h | --help)
            sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) fail "unknown option '$1' (see --help)" ;;
    esac
    shift
done
# shellcheck source=paths.sh
. "$here/paths.sh"
choose_paths
if [ "$mode" = system ]; then
    unit_src="$here/campusnet-poll.service"
else
    unit_src="$here/campusnet-poll-user.service"
fi
from="${from:-$root/dist/campusnet}"
[ -x "$from/campusnet" ] ||
    fail "no built CampusNet found: run packaging/build_linux.sh first, or give --from DIR"
from="$(cd "$from" && pwd)"

icons="$here/../icons"
[ -f "$here/campusnet.desktop" ] || fail "campusnet.desktop is missing beside this script"
[ -f "$icons/campusnet.svg" ] || fail "the icons are missing ($icons)"
[ "$from" != "$prefix" ] || fail "--from is the install folder itself ($prefix)"

echo "installing CampusNet from $from into $prefix"
# Copy beside the old folder, then swap, so an interrupted install never leaves half a program.
mkdir -p "$(dirname "$prefix")"
staging="$prefix.new.$$"
rm -rf "$staging"
cp -a "$from" "$staging"
rm -rf "$prefix.old"
[ ! -e "$prefix" ] || mv "$prefix" "$prefix.old"
mv "$staging" "$prefix"
rm -rf "$prefix.old"

mkdir -p "$bindir"
ln -sfn "$prefix/campusnet" "$bindir/campusnet"

mkdir -p "$share/applications"
desktop_edits=(-e "s#^Exec=.*#Exec=$prefix/campusnet#" -e "s#^TryExec=.*#TryExec=$prefix/campusnet#")
if [ "$mode" = user ]; then
    # Start the app in the folder of the store the user service polls, so both use the same inventory.db.
    mkdir -p "$data"
    desktop_edits+=(-e "/^TryExec=/a Path=$data")
fi
sed "${desktop_edits[@]}" "$here/campusnet.desktop" >"$share/applications/campusnet.desktop.tmp"
mv "$share/applications/campusnet.desktop.tmp" "$share/applications/campusnet.desktop"
for png in "$icons"/campusnet-*.png; do
    size="${png##*/campusnet-}"
    size="${size%.png}"
    mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "$png" "$share/icons/hicolor/${size}x${size}/apps/campusnet.png"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
install -m 0644 "$icons/campusnet.svg" "$share/icons/hicolor/scalable/apps/campusnet.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "menu entry: $share/applications/campusnet.desktop; command: $bindir/campusnet"

if [ "$service" = 1 ]; then
    mkdir -p "$unit_dir"
    if [ "$mode" = system ]; then
        if ! id campusnet >/dev/null 2>&1; then
            useradd --system --home-dir /var/lib/campusnet --no-create-home --shell /usr/sbin/nologin \
                --comment "CampusNet polling service" campusnet
        fi
        install -m 0644 "$unit_src" "$unit_dir/campusnet-poll.service"
    else
        install -m 0644 "$unit_src" "$unit_dir/campusnet-poll.service"
    fi
    echo "service unit: $unit_dir/campusnet-poll.service"
    if [ "$start" = 1 ]; then
        "${systemctl_cmd[@]}" daemon-reload
        "${systemctl_cmd[@]}" enable --now campusnet-poll.service
        echo "polling service enabled and started: ${systemctl_cmd[*]} status campusnet-poll"
    else
        echo "to start it: ${systemctl_cmd[*]} daemon-reload && ${systemctl_cmd[*]} enable --now campusnet-poll"
    fi
fi
echo "done"
