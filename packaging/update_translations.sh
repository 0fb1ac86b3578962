#!/usr/bin/env bash
# Refresh CampusNet's translations from the GUI sources, then compile them.
#
# Run it from anywhere after adding or changing user-visible strings in gui/*.py:
#
#     packaging/update_translations.sh
#
# It runs pyside6-lupdate over every gui/*.py into gui/translations/campusnet_zh_TW.ts and campusnet_en.ts
# (existing translations are kept; strings that vanished from the sources are dropped), then pyside6-lrelease
# turns each .ts into the .qm file the app loads. New strings show up untranslated ("unfinished"): translate
# them in Traditional Chinese as used in Taiwan (設定, 網路, 連接埠, 流量, 頻寬, 裝置 ...), e.g. with Qt Linguist:
#
#     uv run pyside6-linguist gui/translations/campusnet_zh_TW.ts
#
# then run this script again so the .qm files match, and commit the .ts and .qm files together
# (tests/test_i18n.py fails while a string is untranslated or a .qm file is stale). The same holds for the core's
# messages (devices/i18n.py): their catalogue is devices/locale/zh_TW/LC_MESSAGES/campusnet.po.
# The English file needs no translations: the source text is English.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

run() {
    if command -v uv >/dev/null 2>&1; then uv run --quiet "$@"; else "$@"; fi
}

sources=(gui/*.py)
for lang in zh_TW en; do
    ts="gui/translations/campusnet_${lang}.ts"
    run pyside6-lupdate -silent -no-obsolete -locations relative \
        -source-language en -target-language "$lang" "${sources[@]}" -ts "$ts"
    run pyside6-lrelease -silent "$ts" -qm "gui/translations/campusnet_${lang}.qm"
done
echo "updated: gui/translations/campusnet_zh_TW.ts, campusnet_en.ts and their .qm files"
# The core's messages (N_("...") marks in devices/ and monitor/): gettext catalogues, merged and compiled.
run python packaging/core_translations.py || echo "translate the messages listed above in devices/locale/zh_TW/LC_MESSAGES/campusnet.po, then run this again"
echo "updated: devices/locale/zh_TW/LC_MESSAGES/campusnet.po and .mo"
