#!/usr/bin/env bash
# test_status_page: the gateway's status page (actors/gateway/status_page.html) in headless Chromium,
# against a mock gateway (status_page_mock.py); `ZRUN --gateway URL` checks a live gateway instead.
#
#   tests/system/test_status_page.sh build/zrun                    the mock, every phase
#   tests/system/test_status_page.sh build/zrun --gateway URL      a running gateway (skips the mock)
# Screenshots and logs go to the work directory it prints; KEEP_WORK=1 keeps it.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
page="$here/../../actors/gateway/status_page.html"
python=/usr/bin/python3   # Debian's, which has python3-selenium (not a pyenv or venv python)
gateway_url=""
if [ "${2:-}" = "--gateway" ]; then
    gateway_url=${3:-}
    [ -n "$gateway_url" ] || fail "--gateway needs a URL"
fi

for tool in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$tool" ] || fail "$tool is missing: tools/setup.sh installs chromium and chromium-driver"
done
"$python" -c 'import selenium' 2>/dev/null || fail "python3-selenium is missing: run tools/setup.sh"
echo "test_status_page: screenshots and logs in $WORK${KEEP_WORK:+ (kept)}"

# The file itself: no absolute URL anywhere, nothing loaded (the served page is checked again).
if grep -nEi 'https?://' "$page"; then fail "the page names an absolute URL"; fi
if grep -nEi '\b(src|href)[[:space:]]*=|@import|url\(' "$page"; then fail "the page loads something"; fi

if [ -z "$gateway_url" ]; then
    "$python" "$here/status_page_mock.py" --page "$page" --port 0 --port-file "$WORK/mock.port" \
        --log "$WORK/mock.log" >"$WORK/mock.out" 2>&1 &
    mock_pid=$!
    PIDS+=("$mock_pid")
    mock_listening() { [ -s "$WORK/mock.port" ] || ! kill -0 "$mock_pid" 2>/dev/null; }
    wait_for 30 "the mock gateway to listen" mock_listening
    [ -s "$WORK/mock.port" ] || fail "the mock gateway did not start: $(cat "$WORK/mock.out")"
    target=(--mock --url "http://127.0.0.1:$(cat "$WORK/mock.port")")
else
    target=(--gateway --url "$gateway_url")
fi

"$python" "$here/status_page_check.py" "${target[@]}" --out "$WORK" \
    || fail "the status page failed in the browser (see $WORK; KEEP_WORK=1 keeps it)"
echo "test_status_page: passed"
