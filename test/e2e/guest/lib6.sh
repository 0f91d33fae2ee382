# lib6.sh: IPv6 helpers for the cluster scenarios that run inside the test VM (sourced, POSIX sh,
# dash or busybox ash). It sources lib.sh (on, host, pass/fail, check_alternation, check_method,
# teardown...) and adds IPv6 topologies of network namespaces, with documentation addresses only.
#
# Addresses (the same in every topology; v4 ones only where a topology is dual-stack):
#   lanc  client LAN      2001:db8:0:c::/64   client ::2, router ::1          192.0.2.0/24 (.2, .1)
#   lana  director LAN    2001:db8:0:1::/64   router ::254, director ::9,     198.51.100.0/24 (.254, .9)
#                                             VIP ::110 (/128); DR: rs1 ::11, rs2 ::12
#   lani  NAT inside LAN  2001:db8:0:2::/64   director (DIP) ::1, rs1 ::11, rs2 ::12
#   lanb  TUN RS LAN      2001:db8:0:2::/64   router ::254, rs1 ::11, rs2 ::12 203.0.113.0/24 (.254, .11, .12)
# Hosts: client, router (optional for DR), vs1 (the director), rs1, rs2. Bridges have multicast
# snooping off, so that neighbour solicitations reach every port whatever MLD state the bridge holds.

# lib.sh wants the scenario's compiled rc script; an ad-hoc lab has none (ls's complaint is dropped)
. /lvs/lib.sh 2>/dev/null

CLIENT6=2001:db8:0:c::2
ROUTER_C6=2001:db8:0:c::1
ROUTER_A6=2001:db8:0:1::254
DIRECTOR6=2001:db8:0:1::9
VIP6=2001:db8:0:1::110
DIP6=2001:db8:0:2::1
ROUTER_B6=2001:db8:0:2::254
RS1_6=2001:db8:0:2::11
RS2_6=2001:db8:0:2::12
CLIENT4=192.0.2.2
ROUTER_C4=192.0.2.1
ROUTER_A4=198.51.100.254
DIRECTOR4=198.51.100.9
VIP4=198.51.100.110
ROUTER_B4=203.0.113.254
RS1_4=203.0.113.11
RS2_4=203.0.113.12

# clean6: the previous scenario's veth pairs gone: deleting a namespace frees its devices later, in
# the kernel's cleanup work (or never, while a process still runs in it), and a leftover veth1 would
# make this scenario's first nic fail ("RTNETLINK answers: File exists"). Waits up to 5 s, then
# deletes what is left (every veth in the VM's own namespace is a scenario's nic).
clean6() {
	for _ in $(seq 25); do
		[ -n "$(ip -o link show type veth 2>/dev/null)" ] || return 0
		sleep 0.2
	done
	for v in $(ip -o link show type veth | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		note "deleting $v, left over by an earlier scenario"
		ip link del "$v" 2>/dev/null || :
	done
}

# lan6 NAME: a switch that floods all multicast (no MLD snooping)
lan6() {
	lan "$1"
	ip link set "$1" type bridge mcast_snooping 0
}

# host6 NAME: a machine with only loopback, which takes no router advertisements
host6() {
	host "$1"
	on "$1" sysctl -q -w net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0
}

# nic6 HOST IFNAME LAN ADDR6/PREFIX [ADDR4/PREFIX]: plug HOST into LAN (with DAD, as a real NIC)
nic6() {
	nic "$1" "$2" "$3" "$4"
	[ -z "${5:-}" ] || on "$1" ip addr add "$5" dev "$2"
}

# addr6 HOST IFNAME ADDR/PREFIX [FLAGS...]: one more address (ip -6 addr add ... FLAGS)
addr6() {
	h=$1
	d=$2
	a=$3
	shift 3
	on "$h" ip -6 addr add "$a" dev "$d" "$@"
}

# vip6_director HOST IFNAME VIP: the director's VIP, /128, never tentative, and deprecated so that
# it is not chosen as the source address of the director's own connections
vip6_director() {
	on "$1" ip -6 addr add "$3/128" dev "$2" nodad preferred_lft 0
}

# vip6_rs HOST DEVICE VIP: a real server's VIP, /128 on lo, dummy0 (made here) or a tunnel device
vip6_rs() {
	if [ "$2" = dummy0 ] && ! on "$1" ip link show dummy0 >/dev/null 2>&1; then
		on "$1" ip link add dummy0 type dummy
		on "$1" ip link set dummy0 up
	fi
	on "$1" ip -6 addr add "$3/128" dev "$2"
}

# tun6_rs HOST: a real server that decapsulates ip6ip6 (the fallback device ip6tnl0, up)
tun6_rs() {
	modprobe ip6_tunnel
	on "$1" ip link set ip6tnl0 up
}

# tentative HOST: the host's tentative (or dadfailed) addresses, one a line
tentative() {
	on "$1" ip -6 -o addr show tentative | awk '{ print $2, $4 }'
}

# settle6 HOST...: wait (up to 10 s) until no address of the hosts is tentative; 1 if some still are
settle6() {
	for _ in $(seq 50); do
		left=""
		for h in "$@"; do
			[ -z "$(tentative "$h")" ] || left="$left $h"
		done
		[ -n "$left" ] || return 0
		sleep 0.2
	done
	note "still tentative on:$left"
	return 1
}

# web6 HOST ID [PORT]: serve "real server #ID" at /test.html on [::]:PORT (IPv4 too: not v6only)
web6() {
	mkdir -p "/srv/$SCEN-$1"
	echo "real server #$2" >"/srv/$SCEN-$1/test.html"
	on "$1" httpd -p "[::]:${3:-80}" -h "/srv/$SCEN-$1"
}

# fetch6 HOST ADDR [PORT]: the page at http://[ADDR]:PORT/test.html, or nothing (IPv4 ADDR too)
fetch6() {
	case $2 in *:*) u="[$2]" ;; *) u=$2 ;; esac
	on "$1" timeout 3 wget -q -O - "http://$u:${3:-80}/test.html" 2>/dev/null || :
}

# snmp6 HOST COUNTER: a counter of the host's /proc/net/snmp6 (Icmp6OutNeighborAdvertisements...)
snmp6() {
	on "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/snmp6
}

# link_mac HOST IFNAME: lladdr of a device (as ip neigh prints it)
link_mac() {
	on "$1" cat "/sys/class/net/$2/address"
}

# lladdr6 HOST IFNAME: the device's link-local address
lladdr6() {
	on "$1" ip -6 -o addr show dev "$2" scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# neigh6 HOST IFNAME ADDR: "lladdr STATE" of the neighbour entry, or "STATE" (FAILED...), or nothing
neigh6() {
	on "$1" ip -6 neigh show "$3" dev "$2" | awk '{ if ($2 == "lladdr") print $3, $NF; else print $NF }'
}

# resolve6 HOST IFNAME ADDR: forget ADDR's neighbour entry, send it one echo request (which makes
# the host solicit it), and print what neigh6 says then
resolve6() {
	on "$1" ip -6 neigh flush to "$3" dev "$2" 2>/dev/null || :
	on "$1" ping -6 -c 1 -W 2 -I "$2" "$3" >/dev/null 2>&1 || :
	neigh6 "$1" "$2" "$3"
}

# route_src6 HOST DEST: the source address the host picks to reach DEST
route_src6() {
	on "$1" ip -6 route get "$2" | sed -n 's/.* src \([^ ]*\).*/\1/p'
}

# ---------------------------------------------------------------- checks (results as lib.sh's)

# check_alternation6 ID N CLIENT ADDR [PORT]: N fetches alternate between #1 and #2
check_alternation6() {
	check_alternation "$1" "$2" fetch6 "$3" "$4" "${5:-80}"
}

# check_path6 ID DIRECTOR VIP PORT through|bypass: whether replies pass through the director,
# from IPVS's packet counters of the service (lib.sh's check_method, under a name of one's own)
check_path6() {
	case $3 in *:*) s="[$3]:$4" ;; *) s="$3:$4" ;; esac
	counters=""
	for _ in 1 2 3 4 5 6; do
		counters=$(ipvs_packets "$2" "$s")
		[ "${counters%% *}" -gt 0 ] 2>/dev/null && break
		sleep 1
	done
	inpkts=${counters%% *}
	outpkts=${counters##* }
	if [ "$5" = bypass ] && [ "${inpkts:-0}" -gt 0 ] && [ "$outpkts" = 0 ]; then
		pass "$1" "replies bypass the director ($inpkts packets in, $outpkts out)"
	elif [ "$5" = through ] && [ "${inpkts:-0}" -gt 0 ] && [ "${outpkts:-0}" -gt 0 ]; then
		pass "$1" "replies pass through the director ($inpkts packets in, $outpkts out)"
	else
		fail "$1" "expected replies to $5 the director; counters of $s: ${inpkts:-none} in, ${outpkts:-none} out"
	fi
}

# check_nd ID ASKER IFNAME VIP DIRECTOR DIRECTOR_IFNAME: the asker's neighbour entry for the VIP,
# freshly solicited, is the director's MAC (or any HOST IFNAME's, as a control)
check_nd() {
	want=$(link_mac "$5" "$6")
	got=$(resolve6 "$2" "$3" "$4")
	case $got in
	"$want "*) pass "$1" "$2 resolves $4 to $5's $6 ($got)" ;;
	*) fail "$1" "$2's neighbour entry for $4: ${got:-none} ($5's $6 is $want)" ;;
	esac
}

# rx HOST [IFNAME]: packets the host's NIC (default eth0) received so far
rx() {
	on "$1" cat "/sys/class/net/${2:-eth0}/statistics/rx_packets"
}

# check_no_answer ID ASKER IFNAME ADDR HOST...: nobody answers the asker's (multicast)
# solicitations for ADDR: its entry ends FAILED, although each HOST's eth0 received packets
# meanwhile (the solicitations: the bridges flood multicast). A host does not even take in a
# multicast NS for an address on lo or dummy0: it joins the solicited-node group only on the
# device holding the address. NS/NA counters are reported (other neighbours' probes move them).
check_no_answer() {
	id=$1
	asker=$2
	ifn=$3
	addr=$4
	shift 4
	for h in "$@"; do
		eval "rx0_$h=\$(rx $h) ns0_$h=\$(snmp6 $h Icmp6InNeighborSolicits) na0_$h=\$(snmp6 $h Icmp6OutNeighborAdvertisements)"
	done
	resolve6 "$asker" "$ifn" "$addr" >/dev/null
	sleep 3
	got=$(neigh6 "$asker" "$ifn" "$addr")
	heard=yes
	counts=""
	for h in "$@"; do
		eval "rx0=\$rx0_$h ns0=\$ns0_$h na0=\$na0_$h"
		rx1=$(rx "$h")
		[ "$rx1" -ge $((rx0 + 3)) ] || heard=no
		counts="$counts $h: eth0 rx $rx0->$rx1, NS in $ns0->$(snmp6 "$h" Icmp6InNeighborSolicits), NA out $na0->$(snmp6 "$h" Icmp6OutNeighborAdvertisements);"
	done
	case $got in
	*:*) fail "$id" "$asker resolved $addr: $got ($counts)" ;;
	*) if [ "$heard" = yes ]; then
		pass "$id" "$asker's entry for $addr: ${got:-none};$counts"
	else
		fail "$id" "vacuous: some host received under 3 packets ($asker's entry ${got:-none};$counts)"
	fi ;;
	esac
}

# check_unicast_ns ID ASKER IFNAME ADDR HOST HOST_IFNAME: a unicast NS for ADDR, sent to HOST's
# MAC (what a neighbour entry that once pointed at HOST does), is not answered either when HOST
# holds ADDR on lo/dummy0: the asker's entry, made STALE by hand, ends FAILED, and HOST's
# Icmp6InNeighborSolicits grew (it took the probes in)
check_unicast_ns() {
	m=$(link_mac "$5" "$6")
	ns0=$(snmp6 "$5" Icmp6InNeighborSolicits)
	on "$2" ip -6 neigh replace "$4" lladdr "$m" dev "$3" nud stale
	on "$2" ping -6 -c 1 -W 1 -I "$3" "$4" >/dev/null 2>&1 || :
	for _ in $(seq 15); do
		case $(neigh6 "$2" "$3" "$4") in *FAILED*|"") break ;; esac
		sleep 1
	done
	got=$(neigh6 "$2" "$3" "$4")
	ns1=$(snmp6 "$5" Icmp6InNeighborSolicits)
	case $got in
	*:*|"") fail "$1" "$2's entry for $4 (stale, $5's MAC $m): ${got:-gone}; $5 NS in $ns0->$ns1" ;;
	*) if [ "$ns1" -gt "$ns0" ]; then pass "$1" "$2's entry for $4 after unicast probes to $5's $m: $got; $5 NS in $ns0->$ns1, no answer"; else fail "$1" "vacuous: $5 got no NS ($ns0->$ns1); entry $got"; fi ;;
	esac
	on "$2" ip -6 neigh del "$4" dev "$3" 2>/dev/null || :
}

# check_no_dadfailed ID HOST...: no address of any host is tentative or dadfailed
check_no_dadfailed() {
	id=$1
	shift
	bad=""
	for h in "$@"; do
		t=$(on "$h" ip -6 -o addr show | awk '/tentative|dadfailed/ { print $2, $4 }' | tr '\n' ' ')
		[ -z "$t" ] || bad="$bad $h: $t;"
	done
	if [ -z "$bad" ]; then pass "$id" "no tentative or dadfailed address on $*"; else fail "$id" "$bad"; fi
}

# check_src6 ID HOST DEST WANT: the source address HOST uses to reach DEST is WANT
check_src6() {
	got=$(route_src6 "$2" "$3")
	if [ "$got" = "$4" ]; then pass "$1" "$2 reaches $3 from $got"; else fail "$1" "$2 reaches $3 from ${got:-?} (wanted $4)"; fi
}

# check_counter_grew ID HOST COUNTER BEFORE MESSAGE: the snmp6 counter is now above BEFORE
check_counter_grew() {
	now=$(snmp6 "$2" "$3")
	if [ "${now:-0}" -gt "$4" ]; then pass "$1" "$5 ($3 $4 -> $now)"; else fail "$1" "$5: $3 stayed $4"; fi
}

# ---------------------------------------------------------------- topologies

# dr6_net [flat] [bare]: DR. The director vs1 (::9) and rs1/rs2 (::11, ::12) on lana; the client behind
# the router (client ::2 on lanc), or with "flat" on lana itself (client 2001:db8:0:1::200).
# rs1 and rs2 serve their page on [::]:80. The caller adds the VIP (vip6_director, vip6_rs).
# "bare": vs1, rs1 and rs2 get no default route (an rc script under test adds it).
# "dual" (with the router): IPv4 too, lana 198.51.100.0/24 (router .254, vs1 .9, rs1 .11, rs2 .12),
# lanc 192.0.2.0/24 (router .1, client .2, its default route via the router)
dr6_net() {
	clean6
	flat=""
	bare=""
	dual=""
	for o in "$@"; do eval "$o=$o"; done
	v4() { [ -z "$dual" ] || echo "$1"; }
	modprobe ip_vs
	lan6 lana
	host6 vs1 && nic6 vs1 eth0 lana "$DIRECTOR6/64" "$(v4 "$DIRECTOR4/24")"
	host6 rs1 && nic6 rs1 eth0 lana 2001:db8:0:1::11/64 "$(v4 198.51.100.11/24)"
	host6 rs2 && nic6 rs2 eth0 lana 2001:db8:0:1::12/64 "$(v4 198.51.100.12/24)"
	if [ -n "$flat" ]; then
		host6 client && nic6 client eth0 lana 2001:db8:0:1::200/64
	else
		lan6 lanc
		host6 client && nic6 client eth0 lanc "$CLIENT6/64" "$(v4 "$CLIENT4/24")"
		host6 router && nic6 router eth0 lanc "$ROUTER_C6/64" "$(v4 "$ROUTER_C4/24")" && nic6 router eth1 lana "$ROUTER_A6/64" "$(v4 "$ROUTER_A4/24")"
		on router sysctl -q -w net.ipv6.conf.all.forwarding=1
		on client ip -6 route add default via "$ROUTER_C6"
		if [ -n "$dual" ]; then
			on router sysctl -q -w net.ipv4.ip_forward=1
			on client ip route add default via "$ROUTER_C4"
		fi
		[ -n "$bare" ] || for h in vs1 rs1 rs2; do on "$h" ip -6 route add default via "$ROUTER_A6"; done
	fi
	web6 rs1 1
	web6 rs2 2
	if [ -n "$flat" ]; then settle6 client vs1 rs1 rs2; else settle6 client router vs1 rs1 rs2; fi
}

# nat6_net: NAT66. The client behind the router; the director vs1 with eth0 on lana (::9, VIP
# added by the caller) and the DIP 2001:db8:0:2::1 on eth1 (lani); rs1/rs2 on lani with their
# default route via the DIP. Forwarding is on on the director.
# "bare" (what an rc script under test sets up): forwarding stays off on the director, which gets
# no default route, and the real servers' default route is via 2001:db8:0:2::254 (nobody).
nat6_net() {
	clean6
	bare=""
	for o in "$@"; do eval "$o=$o"; done
	modprobe ip_vs
	lan6 lanc
	lan6 lana
	lan6 lani
	host6 client && nic6 client eth0 lanc "$CLIENT6/64"
	host6 router && nic6 router eth0 lanc "$ROUTER_C6/64" && nic6 router eth1 lana "$ROUTER_A6/64"
	host6 vs1 && nic6 vs1 eth0 lana "$DIRECTOR6/64" && nic6 vs1 eth1 lani "$DIP6/64"
	host6 rs1 && nic6 rs1 eth0 lani "$RS1_6/64"
	host6 rs2 && nic6 rs2 eth0 lani "$RS2_6/64"
	on router sysctl -q -w net.ipv6.conf.all.forwarding=1
	on client ip -6 route add default via "$ROUTER_C6"
	if [ -n "$bare" ]; then
		for h in rs1 rs2; do on "$h" ip -6 route add default via 2001:db8:0:2::254; done
	else
		on vs1 sysctl -q -w net.ipv6.conf.all.forwarding=1
		on vs1 ip -6 route add default via "$ROUTER_A6"
		for h in rs1 rs2; do on "$h" ip -6 route add default via "$DIP6"; done
	fi
	web6 rs1 1
	web6 rs2 2
	settle6 client router vs1 rs1 rs2
}

# nat6_flat_net: one-network NAT66 on lan0: the client 2001:db8:0:c::2/64 (default via the
# director's 2001:db8:0:c::1), the director vs1 with 2001:db8:0:c::1/64 and the DIP
# 2001:db8:0:2::1/64 on its one NIC, rs1/rs2 2001:db8:0:2::11, ::12 with no route yet (the
# caller picks: via the DIP, or via the director's link-local). Forwarding is on on the director
# (off with "bare": an rc script under test turns it on).
nat6_flat_net() {
	clean6
	modprobe ip_vs
	lan6 lan0
	host6 client && nic6 client eth0 lan0 "$CLIENT6/64"
	host6 vs1 && nic6 vs1 eth0 lan0 "$ROUTER_C6/64" && addr6 vs1 eth0 "$DIP6/64"
	host6 rs1 && nic6 rs1 eth0 lan0 "$RS1_6/64"
	host6 rs2 && nic6 rs2 eth0 lan0 "$RS2_6/64"
	[ "${1:-}" = bare ] || on vs1 sysctl -q -w net.ipv6.conf.all.forwarding=1
	on client ip -6 route add default via "$ROUTER_C6"
	web6 rs1 1
	web6 rs2 2
	settle6 client vs1 rs1 rs2
}

# tun6_net: TUN, dual-stack. The client (lanc) and the director vs1 (lana, ::9 and 198.51.100.9)
# on two networks of the router, rs1/rs2 (::11/::12, 203.0.113.11/.12) on a third (lanb). Every
# host routes both families via the router. The caller sets up the tunnels and VIPs.
# "bare": vs1, rs1 and rs2 get no IPv6 default route (an rc script under test adds it), and
# ip6_tunnel is loaded first (it makes ip6tnl0 in every namespace: before/after snapshots compare).
tun6_net() {
	clean6
	bare=""
	for o in "$@"; do eval "$o=$o"; done
	[ -z "$bare" ] || modprobe ip6_tunnel
	modprobe ip_vs
	lan6 lanc
	lan6 lana
	lan6 lanb
	host6 client && nic6 client eth0 lanc "$CLIENT6/64" "$CLIENT4/24"
	host6 router && nic6 router eth0 lanc "$ROUTER_C6/64" "$ROUTER_C4/24" &&
		nic6 router eth1 lana "$ROUTER_A6/64" "$ROUTER_A4/24" && nic6 router eth2 lanb "$ROUTER_B6/64" "$ROUTER_B4/24"
	host6 vs1 && nic6 vs1 eth0 lana "$DIRECTOR6/64" "$DIRECTOR4/24"
	host6 rs1 && nic6 rs1 eth0 lanb "$RS1_6/64" "$RS1_4/24"
	host6 rs2 && nic6 rs2 eth0 lanb "$RS2_6/64" "$RS2_4/24"
	on router sysctl -q -w net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	on client ip -6 route add default via "$ROUTER_C6"
	on client ip route add default via "$ROUTER_C4"
	[ -n "$bare" ] || on vs1 ip -6 route add default via "$ROUTER_A6"
	on vs1 ip route add default via "$ROUTER_A4"
	for h in rs1 rs2; do
		[ -n "$bare" ] || on "$h" ip -6 route add default via "$ROUTER_B6"
		on "$h" ip route add default via "$ROUTER_B4"
	done
	web6 rs1 1
	web6 rs2 2
	settle6 client router vs1 rs1 rs2
}

# ---------------------------------------------------------------- the e2e scenarios of lvsc's IPv6 output

# snapshot HOST... (replaces lib.sh's, a superset): what start and stop may change, both families:
# addresses (with their flags: nodad, deprecated, tentative, dadfailed; not the lifetimes' clocks),
# links, the IPv6 tunnels' modes, routes (not the RA routes' expiry clocks), the sysctls the scripts touch, the IPVS table
snapshot() {
	for h in "$@"; do
		echo "== $h"
		on "$h" ip -4 -o addr show | sed 's/\\.*//; s/  */ /g'
		on "$h" ip -6 -o addr show | sed 's/\\.*//; s/  */ /g'
		on "$h" ip -o link show | awk '{ print $2, $3 }' | sed 's/@[^:]*:/:/'
		on "$h" ip -4 route show
		on "$h" ip -6 route show | sed 's/ expires [0-9]*sec//'
		# (the ip6tnl devices' modes: ip6tnl0's mode any for IPv4 in IPv6 goes back at stop)
		on "$h" ip -6 tunnel show 2>/dev/null || :
		on "$h" sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.(ip_forward|conf\.[^.]+\.(arp_ignore|arp_announce|send_redirects|rp_filter|hidden|forwarding)) |^net\.ipv6\.conf\.[^.]+\.(forwarding|accept_ra|accept_redirects|disable_ipv6) ' || :
		on "$h" ipvsadm -S -n
	done
}

# ra6 HOST IFNAME: one router advertisement from HOST's IFNAME (its link-local address, hop limit
# 255) to all nodes: router lifetime 1800 s, no prefix. The kernel fills in the ICMPv6 checksum.
ra6() {
	printf '\206\000\000\000\100\000\007\010\000\000\000\000\000\000\000\000' |
		on "$1" socat -u - "IP6-SENDTO:[ff02::1]:58,so-bindtodevice=$2,setsockopt-int=41:18:255"
}

# ra_route HOST: the host's default route learnt from a router advertisement, or nothing
ra_route() {
	on "$1" ip -6 route show default proto ra | sed 's/ expires [0-9]*sec//'
}

# start_detected ID HOST...: start each host without naming its role, as the README says; when the
# script cannot tell a host's role, that is a FAIL of ID, and that host is started with its role
# named (LVS_ROLE from ROLE_<host>), so that the later checks still test the rest
start_detected() {
	id=$1
	shift
	bad=""
	for h in "$@"; do
		out=$(lvs "$h" start 2>&1) && continue
		bad="$bad $h: $(printf '%s\n' "$out" | grep -v "^\[$SCEN\] " | tail -n 1);"
		eval "r=\$ROLE_$h"
		ROLE_GIVEN="$ROLE_GIVEN $h"
		lvs "$h" start "$r" >/dev/null
	done
	if [ -z "$bad" ]; then pass "$id" "start without a role on $* found each host's role"; else fail "$id" "$bad"; fi
}
ROLE_vs1=director ROLE_rs1=realserver ROLE_rs2=realserver ROLE_GIVEN=""

# lvs HOST ACTION [ROLE] (replaces lib.sh's): as lib.sh's, with the role named on a host whose
# role start_detected had to name
lvs() {
	case " $ROLE_GIVEN " in
	*" $1 "*) eval "lvs_rc \"\$RC\" \"\$1\" \"\$2\" \${3:-\$ROLE_$1}" ;;
	*) lvs_rc "$RC" "$@" ;;
	esac
}

# check_sysctl ID HOST KEY WANT MESSAGE
check_sysctl() {
	got=$(on "$2" sysctl -n "$3" 2>/dev/null)
	if [ "$got" = "$4" ]; then pass "$1" "$5 ($2 $3=$got)"; else fail "$1" "$5: $2 $3=${got:-?} (wanted $4)"; fi
}

# hand_made6 DIRECTOR: lib.sh's hand-made entries (an IPv4 VIP and mark 99), and an IPv6 VIP
# with a real server, made by hand: none is the cluster's
hand_made6() {
	hand_made "$1"
	on "$1" ipvsadm -A -t '[2001:db8:0:1::99]:80' -s wlc
	on "$1" ipvsadm -a -t '[2001:db8:0:1::99]:80' -r '[2001:db8:0:1::98]:80' -g -w 5
}

# check_hand_made6 DIRECTOR ID WHEN: the hand-made entries of both families are still there
check_hand_made6() {
	got=$(on "$1" ipvsadm -S -n | grep -c -e '10\.9\.9\.9' -e '-f 99 ' -e '2001:db8:0:1::99')
	if [ "$got" = 5 ]; then pass "$2" "the hand-made VIPs 10.9.9.9 and [2001:db8:0:1::99], and mark 99, survive $3"; else fail "$2" "only $got of 5 hand-made entries left $3"; fi
}

# check_rules6 DIRECTOR [ID [RULES]]: the live table, without the hand-made entries, equals the
# compiled ipvsadm.rules byte for byte
check_rules6() {
	f=${3:-$DIR/ipvsadm.rules}
	on "$1" ipvsadm -S -n | grep -v -e '10\.9\.9\.9' -e '-f 99 ' -e '2001:db8:0:1::99' >"$STATE/live.rules"
	if cmp -s "$STATE/live.rules" "$f"; then
		pass "${2:-rules}" "ipvsadm -S -n equals ${f#"$DIR"/} ($(wc -l <"$f") lines)"
	else
		fail "${2:-rules}" "ipvsadm -S -n differs from ${f#"$DIR"/}:"
		diff "$f" "$STATE/live.rules" | sed "s/^/[$SCEN] /"
	fi
}

# check_dad ID HOST...: no address of the hosts is tentative or dadfailed now
check_dad() {
	check_no_dadfailed "$@"
}

# control: 0, or 1 when $DIR/mode has the word "control" (a negative control runs only the checks
# its broken output must fail, and those that show the rest still works)
case " $(cat "$DIR/mode" 2>/dev/null) " in *" control "*) control=1 ;; *) control=0 ;; esac

# finish_checks6: what every IPv6 scenario checks last (vs1 the director, rs1 and rs2 its real
# servers); a negative control only tears down
finish_checks6() {
	if [ "$control" = 1 ]; then
		teardown
		return
	fi
	check_status vs1 rs1
	check_idempotent vs1 rs1 rs2
	check_hand_made6 vs1 hand-made-start "start"
	check_stop_restores vs1 rs1 rs2
	teardown
}
