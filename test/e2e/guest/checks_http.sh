#!/bin/sh
# checks_http.sh HOST: one HTTP exchange on stdin/stdout (socat runs it for each connection, over
# TCP or TLS). `/` always answers 200; `/health` answers the status in $CHECKS/HOST-health (200
# when absent), so a scenario can make a real server's application unhealthy while it still serves.
HOST=$1
CHECKS=/tmp/lvsc-checks
# shell builtins only: a check of every real server every second forks enough already
cr=$(printf '\r')
IFS= read -r request || exit 0
# shellcheck disable=SC2086 # the request line, split into method, path, version
set -- $request
path=${2%"$cr"}
# the headers, up to the blank line
while IFS= read -r line; do
	[ -z "${line%"$cr"}" ] && break
done
status=200
[ "$path" = /health ] && [ -e "$CHECKS/$HOST-health" ] && read -r status <"$CHECKS/$HOST-health"
case $status in
200) reason=OK ;;
*) reason="Internal Server Error" ;;
esac
body="$HOST $path $status"
printf 'HTTP/1.0 %s %s\r\nContent-Type: text/plain\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' "$status" "$reason" $((${#body} + 1)) "$body"
