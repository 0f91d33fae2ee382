#!/bin/sh
# VS_TUN across families, from lvsc's rc.lvs_tun as compiled, on lib6.sh's TUN lab (tun6_net:
# both families on every network, every host routed both ways through the router).
#   MODE "46": the IPv4 VIP 198.51.100.110 on vs1 for the IPv4 client; rs1/rs2 reached over IPv6
#              (2001:db8:0:2::11, ::12: IPv4 in IPv6, unwrapped on ip6tnl0 in mode any), answering
#              the client directly over IPv4.
#   MODE "64": the IPv6 VIP 2001:db8:0:1::110 for the IPv6 client; rs1/rs2 reached over IPv4
#              (203.0.113.11, .12: IPv6 in IPv4, unwrapped on sit0), answering over IPv6.
# "control" in MODE: a negative control (the table, alternation and the tunnel check only).
# ip6_tunnel, sit and ipip (the 46 cluster holds the VIP on tunl0) are loaded first: they make
# ip6tnl0, sit0 and tunl0 in every namespace, which stop leaves (it never unloads a module), and
# the before/after snapshots compare the tunnels' modes (lib6.sh's snapshot).
. /lvs/lib6.sh
modprobe ip6_tunnel
modprobe sit
modprobe ipip
case " $(cat "$DIR/mode") " in
*" 64 "*) VIP=$VIP6 mixed=64 ;;
*) VIP=$VIP4 mixed=46 ;;
esac

tun6_net
# the kernel gives tunl0 its IPv6 parameters (net.ipv6.conf.tunl0.*) the first time it comes up,
# and keeps them once it is down again: up and down here, so that the snapshots compare settings
for h in vs1 rs1 rs2; do on "$h" ip link set tunl0 up && on "$h" ip link set tunl0 down; done
hand_made6 vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

start_detected role-detected vs1 rs1 rs2
check_rules6 vs1
if [ "$control" = 1 ]; then n=4; else n=6; fi
check_alternation6 alternation "$n" client "$VIP"
[ "$control" = 1 ] || check_path6 method vs1 "$VIP" 80 bypass
if [ "$mixed" = 46 ]; then
	t=$(on rs1 ip -6 tunnel show ip6tnl0 2>&1)
	check ip6tnl0-any "rs1's ip6tnl0 takes IPv4 in IPv6 (${t%% remote*})" [ "${t#ip6tnl0: any/ipv6 }" != "$t" ]
	[ "$control" = 1 ] || check_sysctl ip6tnl0-rp-filter rs1 net.ipv4.conf.ip6tnl0.rp_filter 0 "rs1 filters no reverse path on ip6tnl0"
else
	check sit0-up "rs1's sit0 is up" [ -n "$(on rs1 ip -o link show up sit0)" ]
fi
finish_checks6
