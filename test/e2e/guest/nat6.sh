#!/bin/sh
# VS_NAT over IPv6 (NAT66), from lvsc's rc.lvs_nat as compiled. MODE (in $DIR/mode):
#  empty: the client behind the router; the director vs1 with eth0 on lana (::9, the VIP) and the
#     DIP 2001:db8:0:2::1 on eth1; rs1/rs2 on lani (lib6.sh's nat6_net bare). vs1's eth0 takes
#     router advertisements (accept_ra=1), and its only default route is the router's RA.
#  flat: one network (nat6_flat_net bare): client, director and real servers on lan0, the client's
#     default route via the director: the director redirects the real servers to the client.
#  with "control": a negative control (the checks of the broken part, and the table's).
. /lvs/lib6.sh
MODE=$(cat "$DIR/mode")
case " $MODE " in *" flat "*) flat=1 ;; *) flat=0 ;; esac

if [ "$flat" = 1 ]; then
	VIP=2001:db8:0:c::110
	nat6_flat_net bare
	redirects0=$(snmp6 vs1 Icmp6OutRedirects)
else
	VIP=$VIP6
	nat6_net bare
	on vs1 sysctl -q -w net.ipv6.conf.eth0.accept_ra=1
	ra6 router eth1
	sleep 1
	ra=$(ra_route vs1)
	note "vs1's default route from the router's advertisement: ${ra:-none}"
fi
hand_made6 vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"

start_detected role-detected vs1 rs1 rs2
check_rules6 vs1
if [ "$control" = 1 ]; then n=4; else n=8; fi
check_alternation6 alternation "$n" client "$VIP"
[ "$control" = 1 ] || check_path6 method vs1 "$VIP" 80 through
check_sysctl forwarding-on vs1 net.ipv6.conf.all.forwarding 1 "the NAT66 director forwards"
check_sysctl rs1-no-redirects rs1 net.ipv6.conf.eth0.accept_redirects 0 "rs1 refuses redirects"
check_sysctl rs2-no-redirects rs2 net.ipv6.conf.eth0.accept_redirects 0 "rs2 refuses redirects"
if [ "$flat" = 1 ]; then
	# not vacuous: the director did redirect the real servers to the client, and they stayed
	check_counter_grew redirects-sent vs1 Icmp6OutRedirects "$redirects0" "the director redirected the real servers"
	via=$(on rs1 ip -6 route get "$CLIENT6" | grep -o 'via [^ ]*')
	check rs1-route-kept "rs1 still reaches the client through the DIP (${via:-directly})" [ "$via" = "via $DIP6" ]
else
	check_sysctl accept-ra-2 vs1 net.ipv6.conf.eth0.accept_ra 2 "the VIP's device keeps taking router advertisements"
	now=$(ra_route vs1)
	if [ -n "$ra" ] && [ "$now" = "$ra" ]; then
		pass ra-route-kept "the router-advertised default route survives forwarding on: $now"
	else
		fail ra-route-kept "before start: ${ra:-no RA route (vacuous)}; after: ${now:-gone}"
	fi
fi
finish_checks6
