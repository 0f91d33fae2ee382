#!/bin/sh
# Two directors, VS_NAT. The client (172.16.9.2) is behind a router (172.16.9.1 / 192.168.1.254).
# Outside LAN 192.168.1.0/24: director1 .9 and director2 .10, the VIP .110 floating between them.
# Inside LAN 10.1.1.0/24: director1 .11 and director2 .12, the DIP .1 floating with the VIP (the
# real servers' gateway), rs1 .2 (port 80) and rs2 .3 (port 8080: a remap). VRRP_PREEMPT=on.
# MODE (in $DIR/mode):
#   stop        steady state, director1's keepalived stopped twice; director1 takes the VIP back
#   link        director1's inside link (eth1) taken down twice: the sync group moves the VIP too
#   static-dip  a negative control: the DIP does not float (the host side took it out of the
#               keepalived files; it stays on director1, as a single director would have it)
. /lvs/lib.sh
. /lvs/ha_lib.sh
MODE=$(cat "$DIR/mode")
VIP=192.168.1.110
DIP=10.1.1.1
VIP_DEV=eth0
DIP_DEV=eth1
RS_CHECKED="10.1.1.2:80 10.1.1.3:8080"
trap 'ha_cleanup; exit 1' TERM INT

nat_lans
host director1 && nic director1 eth0 lano 192.168.1.9/24 && nic director1 eth1 lani 10.1.1.11/24
host director2 && nic director2 eth0 lano 192.168.1.10/24 && nic director2 eth1 lani 10.1.1.12/24
web_fg rs1 1 80
web_fg rs2 2 8080
# the negative control: the real servers' gateway fixed on director1
[ "$MODE" = static-dip ] && on director1 ip addr add 10.1.1.1/24 dev eth1
snapshot director1 director2 rs1 rs2 >"$STATE/before-start"

for h in director1 director2 rs1 rs2; do lvs "$h" start; done
start_pair

# ---- 1. steady state
check_tables_equal rules director1 director2
check_alternation alternation 6 fetch client "http://$VIP/test.html"
if holds director1 "$VIP" eth0 && holds director1 "$DIP" eth1 && ! holds director2 "$VIP" eth0 && ! holds director2 "$DIP" eth1; then
	pass placement "the VIP and the DIP are on director1 only"
else
	fail placement "the VIP and the DIP are not on director1 alone"
fi
check_arp router eth1 "$VIP" director1 eth0
if [ "$MODE" = stop ]; then
	s1=0
	s2=0
	out1=$(lvs director1 status) || s1=$?
	out2=$(lvs director2 status) || s2=$?
	# each director's report is read on its own: the order of its lines is not the point
	if [ "$s1 $s2" = "0 0" ] &&
		contains "$out1" "ok       net.ipv4.ip_forward = 1" && contains "$out2" "ok       net.ipv4.ip_forward = 1" &&
		contains "$out1" "info     VRRP MASTER: the VIP" && contains "$out2" "info     not VRRP MASTER"; then
		pass prepare-status "status exits 0 on both directors (ip_forward=1 on both); director1 is MASTER, director2 is not"
	else
		fail prepare-status "exit $s1, $s2: $out1 | $out2"
	fi
fi

# director_counters: "in out" packets of the web service on director2
d2_counters() {
	method_counters director2 "$VIP:80"
}

case $MODE in
stop | link)
	for n in 1 2; do
		on director2 ipvsadm -Z
		if [ "$MODE" = stop ]; then failover stop "$n"; else failover link "$n" eth1; fi
		# ---- 6. the replies come back through director2: the gateway address moved
		c=$(d2_counters)
		rs1_gw=$(on rs1 ip neigh show "$DIP" dev eth0 | awk '{ print $3 }')
		if [ "${c%% *}" -gt 0 ] 2>/dev/null && [ "${c##* }" -gt 0 ] && [ "$rs1_gw" = "$(mac director2 eth1)" ]; then
			pass "replies-through-director2-$n" "director2 forwarded ${c%% *} packets in and ${c##* } replies out; rs1 reaches the DIP at director2's MAC"
		else
			fail "replies-through-director2-$n" "director2's counters: ${c:-none}; rs1's neighbour entry for the DIP: ${rs1_gw:-none} (director2: $(mac director2 eth1))"
		fi
		# ---- 5. director1 comes back and, with VRRP_PREEMPT=on, takes the VIP and the DIP back
		t0=$(now)
		probes_start "http://$VIP/test.html"
		if [ "$MODE" = stop ]; then recover_director1 stop; else recover_director1 link eth1; fi
		if back=$(wait_holds director1 "$VIP" eth0 30); then
			handover=$(now)
			sleep 4
			probes_stop
			# requests caught in the handover itself may break: a connection opened through
			# director2 in the last 2 s or so has not reached director1's sync thread yet
			during=$(awk -v a="$t0" -v b="$handover" '$1 >= a && $1 < b - 1 && $3 == "FAIL"' "$STATE/probes" | wc -l | tr -d ' ')
			window=$(awk -v b="$handover" '$1 >= b - 1 && $1 < b + 1 && $3 == "FAIL"' "$STATE/probes" | wc -l | tr -d ' ')
			after=$(awk -v b="$handover" '$1 >= b + 1 && $3 == "FAIL"' "$STATE/probes" | wc -l | tr -d ' ')
			if holds director1 "$DIP" eth1 && ! holds director2 "$VIP" eth0 && ! holds director2 "$DIP" eth1 && [ "$during" = 0 ] && [ "$after" = 0 ]; then
				pass "director1-returns-$n" "director1 took the VIP and the DIP back $back s after it returned (preempt, after preempt_delay); no request failed before or after the handover, $window within a second of it"
			else
				fail "director1-returns-$n" "director1 has the VIP after $back s; DIP on director1 $(holds director1 "$DIP" eth1 && echo yes || echo no); failed requests: $during before the handover, $window at it, $after after"
			fi
		else
			probes_stop
			fail "director1-returns-$n" "director1 did not take the VIP back within 30 s"
			ka_log director1
		fi
		sleep 2
	done
	if [ "$MODE" = stop ]; then
		for h in director1 director2; do ka_stop "$h"; done
		check_stop_restores director1 director2 rs1 rs2
	fi
	;;
static-dip)
	t0=$(now)
	probes_start "http://$VIP/test.html"
	sleep 1
	ka_stop director1
	gone=$(now)
	if moved=$(wait_holds director2 "$VIP" eth0 15); then
		pass vip-moved "the VIP moved to director2 $moved s after director1's keepalived stopped"
	else
		fail vip-moved "the VIP did not move"
	fi
	sleep 6
	probes_stop
	first=$(first_success "$gone")
	if [ -n "$first" ] && [ "$(failures_after "$first")" = 0 ]; then
		pass nat-failover "served through director2 $(elapsed "$t0" "$first") s after the fault"
	else
		fail nat-failover "$(failures_after "$gone") of $(probes_after "$gone") requests after the fault failed: the replies go to the DIP on director1"
	fi
	;;
esac
ha_cleanup
