#!/bin/sh
# checks_http.sh HOST: one HTTP exchange on stdin/stdout (socat runs it for each connection, over
# TCP or TLS). `/` always answers 200; `/health` answers the status in $CHECKS/HOST-health (200
# when absent), so a scenario can make a real server's application unhealthy while it still serves.
CHECKS=/tmp/lvsc-checks
cr=$(printf '\r')
IFS= read -r request || exit 0
path=$(echo "${request%"$cr"}" | awk '{ print $2 }')
# the headers, up to the blank line
while IFS= read -r line; do
	[ -z "${line%"$cr"}" ] && break
done
status=200
[ "$path" = /health ] && status=$(cat "$CHECKS/$1-health" 2>/dev/null || echo 200)
case $status in
200) reason=OK ;;
*) reason="Internal Server Error" ;;
esac
body="$1 $path $status"
printf 'HTTP/1.0 %s %s\r\nContent-Type: text/plain\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' "$status" "$reason" $((${#body} + 1)) "$body"
