#!/bin/sh
# rc.lvs_dr plan on the walkthrough's LAN: what start would change, before start (and proof
# that plan changed nothing), nothing after start, and after a hand edit exactly the edit
# that undoes it.
. /lvs/lib.sh
VIP=192.168.0.101

dr_net
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

s1=0 s2=0
p1=$(lvs vs1 plan) || s1=$?
p2=$(lvs rs1 plan) || s2=$?
printf '%s\n%s\n' "$p1" "$p2" | sed "s/^/[$SCEN] /"
check plan-director "the director's plan exits 3 and lists the VIP and the exact ipvsadm -R batch (exit $s1)" \
	contains "$s1 $p1" "3 " "  add VIP 192.168.0.101/24 to eth0" "  ipvsadm -R, 6 line(s):" "    -A -t 192.168.0.101:80 -s rr" "    -a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 1" "7 change(s) pending"
check plan-realserver "a real server's plan exits 3 and lists sysctls old -> new and the links and address (exit $s2)" \
	contains "$s2 $p2" "3 " "  sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1" "  sysctl net.ipv4.conf.eth0.arp_announce: 0 -> 2" "  create dummy link dummy0, up" "  add VIP 192.168.0.101/32 to dummy0"
snapshot vs1 rs1 rs2 >"$STATE/after-plan"
check_same plan-changes-nothing "$STATE/before-start" "$STATE/after-plan" "plan changes no address, link, route, sysctl or IPVS entry"
check plan-writes-no-state "plan writes no state" [ ! -e "$STATE_BASE/$SCEN/vs1" ]

for h in vs1 rs1 rs2; do lvs "$h" start; done
all=""
for h in vs1 rs1 rs2; do
	s=0
	out=$(lvs "$h" plan) || s=$?
	all="$all $h:$s"
	contains "$out" "nothing to change" || all="$all(says something)"
done
check plan-after-start "after start, plan says nothing to change on every host ($all)" [ "$all" = " vs1:0 rs1:0 rs2:0" ]

on vs1 ipvsadm -e -t "$VIP:80" -r 192.168.0.3:80 -g -w 5
s=0
out=$(lvs vs1 plan) || s=$?
printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
body=$(printf '%s\n' "$out" | sed 1d | tr '\n' '|')
check plan-shows-drift "after a hand ipvsadm -e, plan exits 3 and shows exactly the edit that undoes it (exit $s)" \
	[ "$s $body" = "3   ipvsadm -R, 1 line(s):|    -e -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1|rc.lvs_dr: 1 change(s) pending: 'rc.lvs_dr start' makes them|" ]
lvs vs1 start >/dev/null
s=0
lvs vs1 plan >/dev/null || s=$?
check plan-after-undo "start undid the hand edit: plan exits 0 again (exit $s)" [ "$s" = 0 ]

check_alternation alternation 6 fetch client "http://$VIP/test.html"
check_arp client eth0 "$VIP" vs1 eth0
finish_checks
