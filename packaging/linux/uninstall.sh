#!/usr/bin/env bash
# Remove what packaging/linux/install.sh installed: the program, the command, the menu entry, the icons and the
# polling service (stopped and disabled first). The data (the store with its history and secrets) is kept unless
# --purge is given.
#
#     sudo packaging/linux/uninstall.sh --system [--purge]
#     packaging/linux/uninstall.sh --user [--purge]
#
# Options:
#     --system | --user   which installation (default: --system as root, --user otherwise)
#     --purge             also delete the data: /var/lib/campusnet and the user "campusnet" (--system), or
#                         ~/.local/share/CampusNet (--user)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
    echo "uninstall.sh: $*" >&2
    exit 1
}

mode=""
purge=0
while [ $# -gt 0 ]; do
    case "$1" in
        --system) mode=system ;;
        --user) mode=user ;;
        --purge) purge=1 ;;
        -h | --help)
            sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) fail "unknown option '$1' (see --help)" ;;
    esac
    shift
done
# shellcheck source=paths.sh
. "$here/paths.sh"
choose_paths
unit="$unit_dir/campusnet-poll.service"

if [ -f "$unit" ]; then
    # The service manager may be absent (a container, no user session): the unit file goes all the same.
    "${systemctl_cmd[@]}" disable --now campusnet-poll.service >/dev/null 2>&1 || true
    rm -f "$unit"
    "${systemctl_cmd[@]}" daemon-reload >/dev/null 2>&1 || true
    echo "removed the polling service"
fi

if [ -L "$bindir/campusnet" ] && [ "$(readlink "$bindir/campusnet")" = "$prefix/campusnet" ]; then
    rm -f "$bindir/campusnet"
fi
rm -f "$share/applications/campusnet.desktop"
for png in "$here"/../icons/campusnet-*.png; do
    size="${png##*/campusnet-}"
    size="${size%.png}"
    rm -f "$share/icons/hicolor/${size}x${size}/apps/campusnet.png"
done
rm -f "$share/icons/hicolor/scalable/apps/campusnet.svg"
rm -rf "$prefix"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "removed CampusNet from $prefix"

if [ "$purge" = 1 ]; then
    rm -rf "$data"
    if [ "$mode" = system ] && id campusnet >/dev/null 2>&1; then
        userdel campusnet || echo "uninstall.sh: could not remove the user campusnet" >&2
    fi
    echo "deleted the data in $data"
elif [ -e "$data" ]; then
    echo "kept the data in $data (--purge deletes it)"
fi
