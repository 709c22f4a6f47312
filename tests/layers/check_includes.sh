#!/usr/bin/env bash
# check_includes: every #include "dir/..." in a room's files names a room that room may use
# (the USES lists of CMakeLists.txt, written to layers.txt), so the layers link one way only.
# Usage: check_includes.sh SOURCE_DIR LAYERS_FILE. Fails naming each include that breaks them.
set -euo pipefail
src=$1 layers=$2
declare -A allowed
while IFS=: read -r room uses; do allowed[$room]=" $uses "; done <"$layers"
bad=0 checked=0
for room in "${!allowed[@]}"; do
    for file in "$src/$room"/*.[ch]; do
        [ -e "$file" ] || continue
        while read -r included; do
            dir=${included%/*}
            checked=$((checked + 1))
            if [[ "${allowed[$room]}" != *" $dir "* ]]; then
                echo "layer violation: ${file#$src/} includes $included ($room may use:${allowed[$room]})"
                bad=$((bad + 1))
            fi
        done < <(grep -oE '^#include "[a-z_/]+/[a-z0-9_]+\.h"' "$file" | cut -d'"' -f2)
    done
done
[ "$checked" -gt 100 ] || { echo "only $checked includes checked: is $layers right?"; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "check_includes: $checked includes in ${#allowed[@]} rooms follow the layers"
