#!/bin/sh
# A start that fails: the scenario's conf (on the walkthrough's LAN) names a default route
# the director cannot reach, which fails late, after changes; and a real-server NIC, eth9,
# that the real servers do not have, which is caught before any change. Then stop on every
# host must give the host as it was, and the fixed conf ($DIR/fixed/) must start.
. /lvs/lib.sh
VIP=192.168.0.101

dr_net
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

s=0
out=$(lvs vs1 start 2>&1) || s=$?
printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
check failure-report "the director's start fails (exit $s), names the failing step and its changes, and says that stop undoes them" \
	contains "$s $out" "start failed (exit status" "at: default route:" "it had already made these changes:" "add VIP 192.168.0.101/24 to eth0" "IPVS: 6 change(s)" "stop\" undoes them"
[ "$s" != 0 ] || fail failure-report "start exited 0"
s=0
out=$(lvs rs1 start 2>&1) || s=$?
printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
check refused-before-change "a real server refuses the missing NIC before any change (exit $s)" contains "$s $out" "1 " "there is no device eth9 on this host" "nothing was changed"

stops=""
for h in vs1 rs1 rs2; do
	s=0
	lvs "$h" stop || s=$?
	stops="$stops $h:$s"
done
check stop-after-failure "stop succeeds on every host after the failed start ($stops)" [ "$stops" = " vs1:0 rs1:0 rs2:0" ]
snapshot vs1 rs1 rs2 >"$STATE/after-failed-stop"
check_same stopped-as-before "$STATE/before-start" "$STATE/after-failed-stop" "after the failed start and stop, every host is as before"

# the conf fixed and compiled into the same file
cp "$DIR/fixed/rc.lvs_dr" "$RC"
for h in vs1 rs1 rs2; do lvs "$h" start; done
check_alternation fixed-starts 6 fetch client "http://$VIP/test.html"
check_arp client eth0 "$VIP" vs1 eth0
finish_checks
