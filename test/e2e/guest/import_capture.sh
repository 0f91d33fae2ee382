#!/bin/sh
# Boot 1 of the import acceptance: a director set up by hand (import_lib.sh), then its
# `ipvsadm -S -n` and `ip -o addr`, as the admin would save them for `lvsc import`, printed
# between markers the host side reads (test/e2e/import.test.ts):
#   LVSC-E2E DUMP <scenario> table|addr BEGIN ... LVSC-E2E DUMP <scenario> table|addr END
# LAB (in $DIR/lab): dr, nat or refused.
. /lvs/lib.sh
. /lvs/import_lib.sh
LAB=$(cat "$DIR/lab")

import_setup "$LAB"

# dump NAME CMD...: a command's output on the director between markers; its exit status
dump() {
	name=$1
	shift
	out=$(on vs1 "$@")
	s=$?
	echo "LVSC-E2E DUMP $SCEN $name BEGIN"
	printf '%s\n' "$out"
	echo "LVSC-E2E DUMP $SCEN $name END"
	return "$s"
}
s1=0 s2=0
dump table ipvsadm -S -n || s1=$?
dump addr ip -o addr || s2=$?
# what -S does not print: the real servers' connection thresholds (-x, -y), for the record
dump thresholds ipvsadm -L -n --thresholds || :
n=$(on vs1 ipvsadm -S -n | grep -c '^-A')
check captured "ipvsadm -S -n (exit $s1, $n services) and ip -o addr (exit $s2) of the director" [ "$s1 $s2 $((n > 0))" = "0 0 1" ]
teardown
