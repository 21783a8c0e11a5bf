extension OnstartScript {
    /// The shell functions that end GPU billing, whatever the image holds.
    ///
    /// sota's own HTTP client runs curl (see ``VastClient``), so the script cannot lean on sota either. It tries, in
    /// order, curl, wget and python3's urllib (the README's default image has Python 3 but no curl), each sending the
    /// API key from the environment, never on a command line. With none of them, or when every attempt fails, it
    /// stops the container itself: it signals PID 1 (`SOTA_INIT_PID` names another process for tests), and a
    /// container whose first process ends stops, and stops billing for the GPU.
    static let shutdownFunctions: [ScriptText] = [
        "vast_request() {",
        "  local url=\"${VAST_API_URL:-https://console.vast.ai}/api/v0/instances/$CONTAINER_ID/\"",
        "  if command -v curl >/dev/null 2>&1; then",
        "    printf 'Authorization: Bearer %s\\n' \"$VAST_API_KEY\" | curl -fsS --max-time 60 -X \"$1\" -H @- \\",
        "      -H 'Content-Type: application/json' -d \"$2\" --url \"$url\"",
        "  elif command -v wget >/dev/null 2>&1; then",
        "    local config status=0",
        "    config=$(mktemp) && printf 'header = Authorization: Bearer %s\\n' \"$VAST_API_KEY\" >\"$config\" || return 1",
        "    wget -q -O - --timeout=60 --tries=1 --config=\"$config\" --method=\"$1\" --body-data=\"$2\" \\",
        "      --header='Content-Type: application/json' -- \"$url\" || status=$?",
        "    rm -f -- \"$config\"",
        "    return \"$status\"",
        "  elif command -v python3 >/dev/null 2>&1; then",
        "    python3 -c 'import os, sys, urllib.request as u",
        "u.urlopen(u.Request(sys.argv[3], data=sys.argv[2].encode(), method=sys.argv[1], headers={",
        "  \"Authorization\": \"Bearer \" + os.environ[\"VAST_API_KEY\"], \"Content-Type\": \"application/json\"}), timeout=60).read()' \"$@\" \"$url\"",
        "  else",
        "    echo \"sota onstart: no curl, wget or python3 to reach the Vast API\" >&2; return 127",
        "  fi",
        "}",
        "",
        "vast_instance() {",
        "  if [ -z \"${CONTAINER_ID:-}\" ] || [ -z \"${VAST_API_KEY:-}\" ]; then",
        "    echo \"sota onstart: CONTAINER_ID or VAST_API_KEY is unset; the Vast API cannot be asked\" >&2",
        "    return 1",
        "  fi",
        "  local attempt code",
        "  for attempt in 1 2 3 4 5; do",
        "    code=0",
        "    vast_request \"$1\" \"$2\" || code=$?",
        "    if [ \"$code\" -eq 0 ]; then echo; echo \"sota onstart: $3 instance $CONTAINER_ID\"; return 0; fi",
        "    if [ \"$code\" -eq 127 ]; then return 1; fi",
        "    sleep \"$((attempt * 5))\"",
        "  done",
        "  return 1",
        "}",
        "",
        "stop_container() {",
        "  local init=${SOTA_INIT_PID:-1} waited=0",
        "  if [ -z \"${CONTAINER_ID:-}\" ]; then echo \"sota onstart: not on a Vast instance; nothing stopped\" >&2; return 1; fi",
        "  echo \"sota onstart: the Vast API was not reached; stopping the container (PID $init) so the GPU stops billing\" >&2",
        "  kill -TERM \"$init\" 2>/dev/null",
        "  while kill -0 \"$init\" 2>/dev/null && [ \"$waited\" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done",
        "  kill -KILL \"$init\" 2>/dev/null",
        "  return 0",
        "}",
        "",
    ]
}
