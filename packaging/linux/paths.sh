# Sourced by install.sh and uninstall.sh, so that both agree on where CampusNet's files go.
#
# choose_paths: with $mode "system", "user" or "" (then: system as root, user otherwise), sets
#   prefix         the program folder                  /opt/campusnet      ~/.local/opt/campusnet
#   bindir         the folder of the campusnet command /usr/local/bin      ~/.local/bin
#   share          applications/ and icons/ below it   /usr/share          ~/.local/share
#   unit_dir       the systemd unit's folder           /etc/systemd/system ~/.config/systemd/user
#   data           the polling service's store folder  /var/lib/campusnet  ~/.local/share/CampusNet
#   systemctl_cmd  systemctl, or systemctl --user
# and stops with fail() when --system is asked for without root.

choose_paths() {
    [ -n "$mode" ] || { [ "$(id -u)" = 0 ] && mode=system || mode=user; }
    [ "$mode" = user ] || [ "$(id -u)" = 0 ] || fail "--system needs root (sudo), or use --user"
    if [ "$mode" = system ]; then
        prefix=/opt/campusnet
        bindir=/usr/local/bin
        share=/usr/share
        unit_dir=/etc/systemd/system
        data=/var/lib/campusnet
        systemctl_cmd=(systemctl)
    else
        prefix="$HOME/.local/opt/campusnet"
        bindir="$HOME/.local/bin"
        share="${XDG_DATA_HOME:-$HOME/.local/share}"
        unit_dir="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
        data="$HOME/.local/share/CampusNet"
        systemctl_cmd=(systemctl --user)
    fi
}
