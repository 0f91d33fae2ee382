#!/bin/sh
# Dual stack, from lvsc's rc.lvs_dr as compiled, on lib6.sh's dr6_net with IPv4 too (dr6_net bare
# dual): the client (2001:db8:0:c::2, 192.0.2.2) behind the router; the director vs1
# (2001:db8:0:1::9, 198.51.100.9) and rs1/rs2 (::11/.11, ::12/.12) on lana. MODE (in $DIR/mode):
#  dual: one cluster with a VIP per family (198.51.100.110, 2001:db8:0:1::110), one SERVICE on both
#  dual control: a negative control of the restored check (start, stop, compare)
#  shared: two clusters on the same hosts: A (the scenario's conf) on the IPv4 VIP, B ($DIR/b/) on
#     the IPv6 VIP; stopping either leaves the other as it was; C ($DIR/c/, both VIPs) is refused
#     while B serves its IPv6 VIP
. /lvs/lib6.sh
MODE=$(cat "$DIR/mode")
VIP=$VIP6

dr6_net bare dual
hand_made6 vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

# fetch_both CLIENT: the pages of both VIPs, fetched at the same time ("#1 #2")
fetch_both() {
	fetch6 "$1" "$VIP4" >"$STATE/both4" &
	fetch6 "$1" "$VIP6" >"$STATE/both6" &
	wait
	echo "$(cat "$STATE/both4") / $(cat "$STATE/both6")"
}

# status_all ID SCRIPT WHEN: the script's status exits 0 on the director and both real servers
status_all() {
	codes=""
	for h in vs1 rs1 rs2; do
		s=0
		eval "lvs_rc \"\$2\" $h status \$ROLE_$h" >/dev/null || s=$?
		codes="$codes $h=$s"
	done
	check "$1" "status $3:$codes" [ "$codes" = " vs1=0 rs1=0 rs2=0" ]
}

case $MODE in
dual)
	start_detected role-detected vs1 rs1 rs2
	check_rules6 vs1
	check_alternation6 alternation4 6 client "$VIP4"
	check_alternation6 alternation6 6 client "$VIP6"
	both=""
	ok=0
	for _ in 1 2 3 4; do
		b=$(fetch_both client)
		both="$both${both:+, }$b"
		case $b in "real server #"?" / real server #"?) ;; *) ok=1 ;; esac
	done
	if [ "$ok" = 0 ]; then pass both-at-once "IPv4 / IPv6 at the same time: $both"; else fail both-at-once "IPv4 / IPv6 at the same time: $both"; fi
	check_path6 method4 vs1 "$VIP4" 80 bypass
	check_path6 method6 vs1 "$VIP6" 80 bypass
	check_arp_as arp router eth1 "$VIP4" vs1 eth0
	check_nd nd-director router eth1 "$VIP6" vs1 eth0
	check_dad no-dadfailed vs1 rs1 rs2
	finish_checks6
	;;
"dual control")
	start_detected role-detected vs1 rs1 rs2
	snapshot vs1 rs1 rs2 >"$STATE/after-start"
	check_stop_restores vs1 rs1 rs2
	teardown
	;;
shared)
	RC_B=$(ls "$DIR"/b/rc.lvs_*)
	# B is IPv6-only: its role is named (the script cannot find it: dr6's role-detected)
	for h in vs1 rs1 rs2; do
		lvs "$h" start &
		eval "lvs_rc \"\$RC_B\" $h start \$ROLE_$h" &
	done
	wait
	cat "$DIR/ipvsadm.rules" "$DIR/b/ipvsadm.rules" >"$STATE/both.rules"
	check_rules6 vs1 rules "$STATE/both.rules"
	check_alternation6 alternation 6 client "$VIP4"
	check_alternation6 alternation-b 6 client "$VIP6"

	for h in vs1 rs1 rs2; do lvs "$h" stop >/dev/null; done
	check_rules6 vs1 rules-b-after-a-stopped "$DIR/b/ipvsadm.rules"
	check_alternation6 alternation-b-after-a-stopped 6 client "$VIP6"
	check_nd nd-b-after-a-stopped router eth1 "$VIP6" vs1 eth0
	status_all status-b-after-a-stopped "$RC_B" "after A stopped"

	# C, the dual-stack conf from a third directory, while B serves C's IPv6 VIP: C's state is
	# named after its IPv4 VIP, yet its start and plan are refused, naming B, and change nothing
	RC_C=$(ls "$DIR"/c/rc.lvs_*)
	snapshot vs1 >"$STATE/before-c"
	c_start=0
	lvs_rc "$RC_C" vs1 start director >"$STATE/c-start" 2>&1 || c_start=$?
	c_plan=0
	lvs_rc "$RC_C" vs1 plan director >"$STATE/c-plan" 2>&1 || c_plan=$?
	snapshot vs1 >"$STATE/after-c"
	check c-refused "start and plan of a conf whose second VIP B serves exit 1 (start $c_start, plan $c_plan), naming B" \
		contains "$c_start $c_plan $(cat "$STATE/c-start" "$STATE/c-plan")" "1 1 " "the VIP $VIP6 is set up on this host by " "/b/rc.lvs_dr (state "
	check_same c-changed-nothing "$STATE/before-c" "$STATE/after-c" "the refused start changed nothing on the director"
	# control: C's plan without the check is not refused (its start would take B's services)
	sed '/then claimed_elsewhere; fi/d' "$RC_C" >"$RC_C.unchecked"
	u_plan=0
	lvs_rc "$RC_C.unchecked" vs1 plan director >"$STATE/c-unchecked-plan" 2>&1 || u_plan=$?
	check c-unchecked-not-refused "the same plan without claimed_elsewhere exits $u_plan, not 1" [ "$u_plan" != 1 ]

	for h in vs1 rs1 rs2; do lvs "$h" start >/dev/null; done
	for h in vs1 rs1 rs2; do eval "lvs_rc \"\$RC_B\" $h stop \$ROLE_$h" >/dev/null; done
	check_rules6 vs1 rules-a-after-b-stopped "$DIR/ipvsadm.rules"
	check_alternation6 alternation-a-after-b-stopped 6 client "$VIP4"
	check_arp_as arp-a-after-b-stopped router eth1 "$VIP4" vs1 eth0
	status_all status-a-after-b-stopped "$RC" "after B stopped"

	for h in vs1 rs1 rs2; do lvs "$h" stop >/dev/null; done
	snapshot vs1 rs1 rs2 >"$STATE/after-stop"
	check_same restored "$STATE/before-start" "$STATE/after-stop" "both stopped: every address, link, route, sysctl and IPVS entry of both families as before"
	teardown
	;;
esac
