#!/bin/sh
# VS_TUN over IPv6 (IPv6 in IPv6), from lvsc's rc.lvs_tun as compiled: the client (lanc) and the
# director vs1 (lana, 2001:db8:0:1::9, the VIP 2001:db8:0:1::110/128) on two networks of the router;
# rs1/rs2 (2001:db8:0:2::11, ::12) on a third (lanb), no IPv6 default routes until start
# (lib6.sh's tun6_net bare). The director tunnels to them through the router; they answer directly.
# MODE (in $DIR/mode): empty, or "control" (a negative control: the table, alternation, ip6tnl0).
. /lvs/lib6.sh
VIP=$VIP6

tun6_net bare
hand_made6 vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

start_detected role-detected vs1 rs1 rs2
check_rules6 vs1
if [ "$control" = 1 ]; then n=4; else n=6; fi
check_alternation6 alternation "$n" client "$VIP"
[ "$control" = 1 ] || check_path6 method vs1 "$VIP" 80 bypass
state=$(on rs1 ip -o link show ip6tnl0 | grep -o 'state [A-Z]*' || :)
check ip6tnl0-up "rs1's ip6tnl0 is up (${state:-none}) and holds nothing: the VIP is on lo" [ -n "$(on rs1 ip -o link show up ip6tnl0)" ]
if [ "$control" = 0 ]; then
	check_nd nd-director router eth1 "$VIP" vs1 eth0
	check_dad no-dadfailed vs1 rs1 rs2
fi
finish_checks6
