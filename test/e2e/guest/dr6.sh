#!/bin/sh
# VS_DR over IPv6, from lvsc's rc.lvs_dr as compiled: the client (2001:db8:0:c::2) behind the
# router; the director vs1 (2001:db8:0:1::9, the VIP 2001:db8:0:1::110/128) and the real servers
# rs1 (::11) and rs2 (::12) on lana (lib6.sh's dr6_net), no default routes until start.
# MODE (in $DIR/mode): empty, or a negative control: "control nd" (only the neighbour discovery
# checks), "control dad" (only the DAD checks).
. /lvs/lib6.sh
MODE=$(cat "$DIR/mode")
VIP=$VIP6

dr6_net bare
hand_made6 vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

start_detected role-detected vs1 rs1 rs2
check_rules6 vs1
if [ "$MODE" != "control nd" ]; then
	# nodad: right after start no address waits in DAD; a DAD time later none failed it
	check_dad no-tentative vs1 rs1 rs2
	sleep 3
	check_dad no-dadfailed vs1 rs1 rs2
	if [ "$MODE" = "control dad" ]; then
		teardown
		exit 0
	fi
fi
if [ "$control" = 0 ]; then
	check_alternation6 alternation 6 client "$VIP"
	check_path6 method vs1 "$VIP" 80 bypass
	check_sysctl forwarding-off vs1 net.ipv6.conf.all.forwarding 0 "the DR director does not forward"
	check_nd nd-director router eth1 "$VIP" vs1 eth0
fi
check_unicast_ns nd-rs1-silent router eth1 "$VIP" rs1 eth0
check_unicast_ns nd-rs2-silent router eth1 "$VIP" rs2 eth0
if [ "$control" = 0 ]; then
	check_status vs1 rs1
	check_idempotent vs1 rs1 rs2
	check_hand_made6 vs1 hand-made-start "start"
fi
# the director stopped, the real servers still started: nobody answers the router's (multicast)
# solicitations for the VIP, though both real servers hold it and hear them
lvs vs1 stop >/dev/null
check_no_answer nd-rs-silent router eth1 "$VIP" rs1 rs2
[ "$control" = 1 ] || check_stop_restores vs1 rs1 rs2
teardown
