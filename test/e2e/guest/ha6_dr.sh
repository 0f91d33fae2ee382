#!/bin/sh
# Two directors, VS_DR, IPv6 only (issue 18: the HA pair over IPv6, VRRPv3). The client
# (2001:db8:c::2) is behind a router (2001:db8:c::1 / 2001:db8::fe); on the LAN 2001:db8::/64:
# director1 (::11) and director2 (::12), which share the VIP ::101 and the DIP ::1 through
# keepalived (the generated keepalived.conf on director1, keepalived.backup.conf on director2,
# unchanged), and the real servers rs1 (::3) and rs2 (::4), the VIP on lo. The bridges flood
# multicast (lan6: no MLD snooping), so the adverts (ff02::12) and the sync (ff02::8:81) reach
# every port.
#
# The same helpers and bounds as ha_dr.sh (ha_lib.sh): VRRP_ADVERT=0.2, a link failover within
# 1 s (median of 3, each within 2 s), a keepalived stopped within 0.6 s (median of 3).
# VIP is written in brackets (ha_lib.sh's failover builds http://$VIP/test.html from it); holds
# and in_table are redefined here for IPv6.
# MODE (in $DIR/mode):
#   fast       steady state, neighbour entry, a connection across a failover (connection sync
#              over ff02::8:81), then director1's link down three times and its keepalived
#              stopped three times, each measured against the bounds
#   conn       the connection across a failover alone (the no-sync control)
#   fast-link  the link failovers alone (the router-ignores-unsolicited-NA control:
#              $DIR/drop-na exists)
#   placement  steady state only (the wrong-virtual_router_id control)
. /lvs/lib6.sh
. /lvs/ha_lib.sh
MODE=$(cat "$DIR/mode")
VIP6=2001:db8::101
VIP="[$VIP6]"
DIP=2001:db8::1
# shellcheck disable=SC2034 # read by ha_lib.sh
VIP_DEV=eth0
# shellcheck disable=SC2034
DIP_DEV=eth0
# shellcheck disable=SC2034
RS_CHECKED="[2001:db8::3]:80 [2001:db8::4]:80"
trap 'ha_cleanup; exit 1' TERM INT

# holds HOST ADDR [DEV]: the IPv6 ADDR (brackets allowed) is on HOST's DEV (default eth0)
holds() {
	a=${2#\[}
	a=${a%\]}
	[ -n "$(on "$1" ip -6 -o addr show dev "${3:-eth0}" to "$a/128" 2>/dev/null)" ]
}

# in_table HOST [RIP]:PORT: the real server is in HOST's IPVS table (a fixed string: brackets)
in_table() {
	on "$1" ipvsadm -L -n | grep -q -F " $2 "
}

# web6_fg HOST ID: serve "real server #ID" on [::]:80, in the foreground, its PID kept
web6_fg() {
	mkdir -p "/srv/$SCEN-$1"
	echo "real server #$2" >"/srv/$SCEN-$1/test.html"
	echo "real server #$2" >"/srv/$SCEN-$1/index.html"
	ip netns exec "$1" httpd -f -p "[::]:80" -h "/srv/$SCEN-$1" &
	keep $!
}

# ticker6 HOST ID PORT: ha_lib.sh's ticker on IPv6
ticker6() {
	ip netns exec "$1" socat "TCP6-LISTEN:$3,reuseaddr,fork" \
		"SYSTEM:while echo rs$2 tick; do sleep 0.2; done" </dev/null >/dev/null 2>&1 &
	keep $!
}

# director HOST ADDR: a director, whose addresses survive `ip link set eth0 down` (the lab's
# link failure; a pulled cable only drops the carrier, which keeps them anyway)
director() {
	host6 "$1"
	on "$1" sysctl -q -w net.ipv6.conf.default.keep_addr_on_down=1 net.ipv6.conf.all.keep_addr_on_down=1
	nic6 "$1" eth0 lan0 "$2/64"
}

# router_mac: the MAC in the router's neighbour entry for the VIP, or its state
router_mac() {
	neigh6 router eth1 "$VIP6"
}

modprobe ip_vs
lan6 lanc
lan6 lan0
host6 client && nic6 client eth0 lanc 2001:db8:c::2/64
host6 router && nic6 router eth0 lanc 2001:db8:c::1/64 && nic6 router eth1 lan0 2001:db8::fe/64
director director1 2001:db8::11
director director2 2001:db8::12
host6 rs1 && nic6 rs1 eth0 lan0 2001:db8::3/64
host6 rs2 && nic6 rs2 eth0 lan0 2001:db8::4/64
on client ip -6 route add default via 2001:db8:c::1
on router sysctl -q -w net.ipv6.conf.all.forwarding=1
if [ -e "$DIR/drop-na" ]; then
	# the negative control: the router ignores unsolicited neighbour advertisements
	on router sysctl -q -w net.ipv6.conf.eth1.drop_unsolicited_na=1
	note "router: net.ipv6.conf.eth1.drop_unsolicited_na=1"
fi
web6_fg rs1 1
web6_fg rs2 2
ticker6 rs1 1 5001
ticker6 rs2 2 5001
settle6 client router director1 director2 rs1 rs2 || :

# the generated files, unchanged: the rc script prepares every host, keepalived runs on the
# directors (director1 first: with nopreempt, the first to become MASTER stays MASTER)
# The role is given: the generated script's detect_role lists `ip -4 -o addr show` only, so on an
# IPv6-only host it finds none of the cluster's addresses ("this host has none of the cluster's
# addresses ...; give the role"), exit 1 (an lvsc bug, reported; `ip -o addr show` would do)
if [ -e "$DIR/detect-role" ]; then
	for h in director1 director2 rs1 rs2; do lvs "$h" start || note "$h: rc start failed without a role"; done
else
	for h in director1 director2; do lvs "$h" start director; done
	for h in rs1 rs2; do lvs "$h" start realserver; done
fi
settle6 director1 director2 rs1 rs2 || :
start_pair
sleep 1
if [ "$(on director1 ipvsadm -L --daemon 2>&1 | tr '\n' ' ')" != "" ]; then
	note "director1 sync: $(on director1 ipvsadm -L --daemon 2>&1 | tr '\n' ' ')"
	note "director2 sync: $(on director2 ipvsadm -L --daemon 2>&1 | tr '\n' ' ')"
fi

# ---- 1. steady state: the VIP and the DIP on director1 alone, both tables complete
check_tables_equal rules director1 director2
[ "$MODE" = placement ] || check_alternation alternation 6 fetch6 client "$VIP6"
if holds director1 "$VIP" && holds director1 "$DIP" && ! holds director2 "$VIP" && ! holds director2 "$DIP"; then
	pass placement "the VIP and the DIP are on director1 only (VRRPv3 over IPv6: director2 hears director1's adverts)"
else
	fail placement "VIP/DIP: director1 $(holds director1 "$VIP" && echo VIP) $(holds director1 "$DIP" && echo DIP), director2 $(holds director2 "$VIP" && echo VIP) $(holds director2 "$DIP" && echo DIP)"
	ka_log director2
fi
if [ "$MODE" = placement ]; then
	ha_cleanup
	exit 0
fi
check_nd nd router eth1 "$VIP6" director1 eth0

# conn_check: a long-lived connection through director1, director1's keepalived stopped; checks
# failover (the VIP on director2) and connection-survives (the stream goes on through director2)
conn_check() {
	ip netns exec client socat -u "TCP6:[$VIP6]:5001" - >"$STATE/stream" 2>"$STATE/stream.err" &
	stream=$!
	keep $stream
	# the MASTER's sync thread sends its buffer every 2 s or so
	sleep 4
	before=$(wc -l <"$STATE/stream")
	server=$(tail -n 1 "$STATE/stream" | cut -d' ' -f1)
	note "director2's copy: $(on director2 ipvsadm -L -n -c | grep ":5001" | tr -s ' ' | tr '\n' ';')"
	ka_stop director1
	if moved=$(wait_holds director2 "$VIP" eth0 15); then
		pass failover "the VIP moved to director2 $moved s after director1's keepalived stopped"
	else
		fail failover "the VIP did not move to director2"
		ka_log director2
	fi
	sleep 5
	at_failover=$(wc -l <"$STATE/stream")
	sleep 3
	after=$(wc -l <"$STATE/stream")
	if kill -0 "$stream" 2>/dev/null && [ "$after" -gt "$at_failover" ] && [ "$at_failover" -gt "$before" ]; then
		pass connection-survives "the connection to $server goes on through director2 (synced over ff02::8:81): $before lines before the failover, $after 8 s after"
	else
		fail connection-survives "the connection to ${server:-?} stopped: $before lines before the failover, $at_failover 5 s after, $after 8 s after; client: $(kill -0 "$stream" 2>/dev/null && echo running || echo "ended, $(cat "$STATE/stream.err")"); director2's table: $(on director2 ipvsadm -L -n -c | tr -s ' ' | tr '\n' ';')"
		on director2 dmesg 2>/dev/null | grep -i "ipvs\|sync" | tail -n 5 | sed "s/^/[$SCEN] kernel: /"
	fi
	kill "$stream" 2>/dev/null || :
}

# na_check N: after failover N, the router's entry for the VIP holds director2's MAC
na_check() {
	want=$(link_mac director2 eth0)
	got=$(router_mac)
	case $got in
	"$want "*) pass "nd-moved-$1" "the router's entry for $VIP6 is director2's eth0 ($got)" ;;
	*) fail "nd-moved-$1" "the router's entry for $VIP6: ${got:-none} (director2's eth0 is $want, director1's $(link_mac director1 eth0))" ;;
	esac
}

# shellcheck disable=SC2034 # read by probes_start
PROBE_EVERY=0.1
case $MODE in
conn)
	conn_check
	;;
fast)
	conn_check
	recover_director1 stop
	switch_back
	for n in 1 2 3; do
		failover link "$n" eth0 1
		na_check "link-$n"
		recover_director1 link eth0
		settle6 director1 || :
		switch_back
	done
	failover_median link 1
	for n in 1 2 3; do
		failover stop "$n" "" 0.6
		na_check "stop-$n"
		recover_director1 stop
		switch_back
	done
	failover_median stop 0.6
	;;
fast-link)
	for n in 1 2 3; do
		note "router's entry for the VIP before the fault: $(router_mac)"
		failover link "$n" eth0 1
		recover_director1 link eth0
		settle6 director1 || :
		switch_back
	done
	failover_median link 1
	;;
esac
ha_cleanup
