#!/bin/sh
# v6probe: scratch probe of the IPv6 facts lvsc's output relies on, run on the VM's real kernel
# with hand-written ip/ipvsadm commands (no lvsc output). Each fact is a check line; the raw
# outputs the doc quotes are printed as "V6OUT <tag>|<line>".
# PARTS (in $DIR/parts, default all): dr nat natflat tun mixed save errors dad sysctl
. /lvs/lib6.sh
PARTS=$(cat "$DIR/parts" 2>/dev/null || echo "dr nat natflat tun mixed save errors dad sysctl")
want() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

# show TAG HOST CMD...: run CMD on HOST, print "$ CMD", its output and its exit status, tagged
show() {
	tag=$1
	h=$2
	shift 2
	echo "V6OUT $tag|# $h\$ $*"
	out=$(on "$h" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/V6OUT $tag|/"
	echo "V6OUT $tag|(exit $rc)"
	return $rc
}

# fact ID EXPECTED GOT MESSAGE: PASS when GOT equals EXPECTED
fact() {
	if [ "$3" = "$2" ]; then pass "$1" "$4: $3"; else fail "$1" "$4: got '$3', expected '$2'"; fi
}

pages() { # pages N HOST ADDR [PORT]: N fetches, comma-separated
	seen=""
	for _ in $(seq "$1"); do
		p=$(fetch6 "$2" "$3" "${4:-80}")
		seen="$seen${seen:+, }${p:-(none)}"
	done
	echo "$seen"
}

ipvs() { on vs1 ipvsadm "$@"; }
echo "V6OUT env|kernel $(uname -r); $(ipvsadm --version 2>&1 | head -1); $(ip -V)"

# ---------------------------------------------------------------- 1 DR, 7 DAD
if want dr || want dad; then
	dr6_net
	vip6_director vs1 eth0 "$VIP6"
	for h in rs1 rs2; do vip6_rs "$h" lo "$VIP6"; done
	ipvs -A -t "[$VIP6]:80" -s rr
	ipvs -a -t "[$VIP6]:80" -r "[2001:db8:0:1::11]:80" -g -w 1
	ipvs -a -t "[$VIP6]:80" -r "[2001:db8:0:1::12]:80" -g -w 1
	settle6 vs1 rs1 rs2
	show dr-addr vs1 ip -6 addr show dev eth0
	show dr-addr rs1 ip -6 addr show dev lo
	fact dr-forwarding-off 0 "$(on vs1 sysctl -n net.ipv6.conf.all.forwarding)" "DR director's all.forwarding"
	check_alternation6 dr-lo-alternation 6 client "$VIP6"
	check_path6 dr-lo-path vs1 "$VIP6" 80 bypass
	check_nd dr-nd-director router eth1 "$VIP6" vs1 eth0
	on vs1 ip -6 -o addr show dev eth0 | grep -q "$VIP6/128 .*deprecated" &&
		pass dr-vip-deprecated "the director's VIP is deprecated (preferred_lft 0) and still answered NS and served above" ||
		fail dr-vip-deprecated "not deprecated: $(on vs1 ip -6 -o addr show dev eth0)"
	# NS for an address only on the real servers' lo: nobody answers; on a NIC: answered
	for h in rs1 rs2; do vip6_rs "$h" lo 2001:db8:0:1::111; done
	check_no_answer dr-lo-no-na router eth1 2001:db8:0:1::111 rs1 rs2
	show dr-ns-lo router ip -6 neigh show 2001:db8:0:1::111
	check_unicast_ns dr-lo-no-na-unicast router eth1 2001:db8:0:1::111 rs1 eth0
	addr6 rs1 eth0 2001:db8:0:1::112/64 nodad
	check_nd dr-nic-na-control router eth1 2001:db8:0:1::112 rs1 eth0
	# the source address the director uses for a real server: deprecated VIP vs preferred VIP
	show dr-route-get vs1 ip -6 route get 2001:db8:0:1::11
	check_src6 dr-src-deprecated vs1 2001:db8:0:1::11 "$DIRECTOR6"
	on vs1 ip -6 addr change "$VIP6/128" dev eth0 nodad preferred_lft forever
	show dr-route-get-preferred vs1 ip -6 route get 2001:db8:0:1::11
	check_src6 dr-src-preferred-is-vip vs1 2001:db8:0:1::11 "$VIP6"
	on vs1 ip -6 addr change "$VIP6/128" dev eth0 nodad preferred_lft 0
	check_src6 dr-src-deprecated-again vs1 2001:db8:0:1::11 "$DIRECTOR6"
	# 7: DAD. The director's nodad VIP and the real servers' lo VIPs: nothing tentative/dadfailed
	check_no_dadfailed dad-nodad-vip client router vs1 rs1 rs2
	# a VIP added WITH DAD on the director while the RSs hold it on lo: lo never defends it
	on vs1 ip -6 addr add 2001:db8:0:1::111/128 dev eth0
	sleep 3
	show dad-vip-with-dad vs1 ip -6 addr show dev eth0
	check_no_dadfailed dad-with-dad-vs-lo vs1
	# negative control: one address on two NICs of the segment, without nodad: the second fails
	addr6 rs1 eth0 2001:db8:0:1::199/64
	settle6 rs1
	addr6 rs2 eth0 2001:db8:0:1::199/64
	sleep 3
	show dad-dup rs2 ip -6 addr show dev eth0
	if on rs2 ip -6 -o addr show dadfailed | grep -q 2001:db8:0:1::199; then
		pass dad-dup-dadfailed "the second NIC's copy is dadfailed: $(on rs2 ip -6 -o addr show dadfailed | awk '{ print $4, $6, $7, $8 }' | tr '\n' ' ')"
	else
		fail dad-dup-dadfailed "no dadfailed on rs2: $(on rs2 ip -6 -o addr show dev eth0 | awk '{ print $4, $6, $7 }' | tr '\n' ' ')"
	fi
	dmesg | grep -i 'duplicate address' | tail -2 | sed 's/^/V6OUT dad-dmesg|/'
	on rs1 ip -6 addr del 2001:db8:0:1::199/64 dev eth0
	on rs2 ip -6 addr del 2001:db8:0:1::199/64 dev eth0
	on rs1 ip -6 addr del 2001:db8:0:1::112/64 dev eth0
	# the same cluster with the real servers' VIP on dummy0 instead of lo
	if modprobe dummy 2>/dev/null; then
		for h in rs1 rs2; do
			on "$h" ip -6 addr del "$VIP6/128" dev lo
			on "$h" ip -6 addr del 2001:db8:0:1::111/128 dev lo
			vip6_rs "$h" dummy0 "$VIP6"
			vip6_rs "$h" dummy0 2001:db8:0:1::113
		done
		on vs1 ip -6 addr del 2001:db8:0:1::111/128 dev eth0
		settle6 rs1 rs2
		show dr-dummy rs1 ip -6 addr show dev dummy0
		check_alternation6 dr-dummy-alternation 6 client "$VIP6"
		check_no_answer dr-dummy-no-na router eth1 2001:db8:0:1::113 rs1 rs2
		check_unicast_ns dr-dummy-no-na-unicast router eth1 2001:db8:0:1::113 rs2 eth0
		check_no_dadfailed dad-dummy rs1 rs2
	else
		fail dr-dummy-alternation "no dummy module in the image"
	fi
	teardown
fi

# ---------------------------------------------------------------- 2 NAT66
if want nat; then
	nat6_net
	vip6_director vs1 eth0 "$VIP6"
	ipvs -A -t "[$VIP6]:80" -s rr
	ipvs -a -t "[$VIP6]:80" -r "[$RS1_6]:80" -m -w 1
	ipvs -a -t "[$VIP6]:80" -r "[$RS2_6]:80" -m -w 1
	fact nat-forwarding-propagates "1 1" "$(on vs1 sysctl -n net.ipv6.conf.eth0.forwarding) $(on vs1 sysctl -n net.ipv6.conf.eth1.forwarding)" "all.forwarding=1 sets eth0/eth1 forwarding"
	check_alternation6 nat-alternation 6 client "$VIP6"
	check_path6 nat-path vs1 "$VIP6" 80 through
	# the client's connections are to the VIP (un-NATed replies), never to a RIP
	conns=$(on client netstat -tn 2>/dev/null | awk '$5 ~ /:80$/ { print $5 }' | sort | uniq -c | tr '\n' ' ' | sed 's/  */ /g')
	case $conns in *"$VIP6"*) case $conns in *"$RS1_6"*|*"$RS2_6"*) fail nat-unnat "client saw $conns" ;; *) pass nat-unnat "client's sockets: $conns" ;; esac ;; *) fail nat-unnat "client saw: ${conns:-nothing}" ;; esac
	show nat-list vs1 ipvsadm -L -n
	# negative control: forwarding off: the replies are not forwarded
	on vs1 sysctl -q -w net.ipv6.conf.all.forwarding=0
	p=$(fetch6 client "$VIP6")
	if [ -z "$p" ]; then pass nat-needs-forwarding "with all.forwarding=0 no answer"; else fail nat-needs-forwarding "with all.forwarding=0 got '$p'"; fi
	on vs1 sysctl -q -w net.ipv6.conf.all.forwarding=1
	show nat-route-after-toggle vs1 ip -6 route show default
	p=$(fetch6 client "$VIP6")
	case $p in "real server #"*) pass nat-forwarding-back "forwarding=1 again: '$p'" ;; *) fail nat-forwarding-back "forwarding=1 again: '${p:-nothing}'" ;; esac
	teardown
fi

# ---------------------------------------------------------------- 2 one-network NAT66: redirects
if want natflat; then
	nat6_flat_net
	vip6_director vs1 eth0 "$VIP6"
	LL=$(lladdr6 vs1 eth0)
	on rs1 ip -6 route add default via "$DIP6" dev eth0
	on rs2 ip -6 route add default via "$LL" dev eth0
	echo "V6OUT natflat|rs1 default via $DIP6 (global DIP); rs2 default via $LL (director's link-local)"
	ipvs -A -t "[$VIP6]:80" -s rr
	ipvs -a -t "[$VIP6]:80" -r "[$RS1_6]:80" -m -w 1
	ipvs -a -t "[$VIP6]:80" -r "[$RS2_6]:80" -m -w 1
	o0=$(snmp6 vs1 Icmp6OutRedirects)
	i1=$(snmp6 rs1 Icmp6InRedirects)
	i2=$(snmp6 rs2 Icmp6InRedirects)
	seen=$(pages 8 client "$VIP6")
	echo "V6OUT natflat|accept_redirects=1 (default), 8 fetches: $seen"
	check_counter_grew natflat-redirect-sent vs1 Icmp6OutRedirects "$o0" "the director sends redirects in one-network NAT66"
	check_counter_grew natflat-rs1-got-redirect rs1 Icmp6InRedirects "$i1" "rs1 (gateway = global DIP) receives them"
	check_counter_grew natflat-rs2-got-redirect rs2 Icmp6InRedirects "$i2" "rs2 (gateway = link-local) receives them"
	show natflat-rs1-route rs1 ip -6 route get "$CLIENT6"
	show natflat-rs2-route rs2 ip -6 route get "$CLIENT6"
	show natflat-rs2-cache rs2 ip -6 route show cache
	show natflat-rs1-cache rs1 ip -6 route show cache
	r1=$(on rs1 ip -6 route get "$CLIENT6" | grep -c " via ")
	r2=$(on rs2 ip -6 route get "$CLIENT6" | grep -c " via ")
	fact natflat-rs1-follows-redirect 0 "$r1" "rs1 (default via the global DIP) routes to the client directly after the redirect"
	fact natflat-rs2-follows-redirect 0 "$r2" "rs2 (default via fe80) routes to the client directly after the redirect"
	case $seen in *"(none)"*) pass natflat-broken "the redirect breaks the cluster: $seen" ;; *) fail natflat-broken "all answered: $seen" ;; esac
	# the fix: accept_redirects=0 per interface (all.* would not reach eth0); routes renewed
	for h in rs1 rs2; do
		on "$h" sysctl -q -w net.ipv6.conf.eth0.accept_redirects=0
		on "$h" ip -6 route flush cache 2>/dev/null
	done
	on rs2 ip -6 route del default
	on rs2 ip -6 route add default via "$LL" dev eth0
	i2=$(snmp6 rs2 Icmp6InRedirects)
	o0=$(snmp6 vs1 Icmp6OutRedirects)
	seen=$(pages 8 client "$VIP6")
	echo "V6OUT natflat|accept_redirects=0 on eth0, 8 fetches: $seen"
	show natflat-rs2-route-fixed rs2 ip -6 route get "$CLIENT6"
	r2=$(on rs2 ip -6 route get "$CLIENT6" | grep -c " via ")
	fact natflat-fixed-route 1 "$r2" "with eth0.accept_redirects=0 rs2 keeps routing via the director"
	case $seen in *"(none)"*) fail natflat-fixed "still broken: $seen" ;; *) pass natflat-fixed "every fetch answered: $seen" ;; esac
	echo "V6OUT natflat|director Icmp6OutRedirects $o0 -> $(snmp6 vs1 Icmp6OutRedirects); rs2 Icmp6InRedirects $i2 -> $(snmp6 rs2 Icmp6InRedirects)"
	teardown
fi

# ---------------------------------------------------------------- 3 TUN6 (ip6ip6)
if want tun || want mixed; then
	tun6_net
	vip6_director vs1 eth0 "$VIP6"
	for h in rs1 rs2; do vip6_rs "$h" lo "$VIP6"; done
	ipvs -A -t "[$VIP6]:80" -s rr
	ipvs -a -t "[$VIP6]:80" -r "[$RS1_6]:80" -i -w 1
	ipvs -a -t "[$VIP6]:80" -r "[$RS2_6]:80" -i -w 1
	modprobe ip6_tunnel
	show tun-ip6tnl0-down rs1 ip -d link show ip6tnl0
	p=$(fetch6 client "$VIP6")
	if [ -z "$p" ]; then pass tun-needs-ip6tnl0-up "ip6tnl0 down: no answer"; else fail tun-needs-ip6tnl0-up "ip6tnl0 down, yet '$p'"; fi
	for h in rs1 rs2; do tun6_rs "$h"; done
	check_alternation6 tun-alternation 6 client "$VIP6"
	check_path6 tun-path vs1 "$VIP6" 80 bypass
	fact tun-no-ipv6-rp_filter 0 "$(on rs1 sh -c 'ls /proc/sys/net/ipv6/conf/ip6tnl0 /proc/sys/net/ipv6/conf/all | grep -c rp_filter')" "rp_filter keys under net.ipv6.conf"
	show tun-ip6tnl0 rs1 ip -d link show ip6tnl0
	show tun-ip6tnl0-stats rs1 ip -s link show ip6tnl0
	# the VIP on ip6tnl0 instead of lo (rs2)
	on rs2 ip -6 addr del "$VIP6/128" dev lo
	vip6_rs rs2 ip6tnl0 "$VIP6"
	check_alternation6 tun-vip-on-ip6tnl0 6 client "$VIP6"
	check_no_dadfailed tun-dad client router vs1 rs1 rs2
	# MTU: 20000 bytes client -> VIP:81 (only rs1); full 1500-byte segments need 1540 with the tunnel
	ipvs -A -t "[$VIP6]:81" -s rr
	ipvs -a -t "[$VIP6]:81" -r "[$RS1_6]:81" -i -w 1
	on rs1 socat -u "TCP6-LISTEN:81,reuseaddr" "OPEN:/tmp/v6big,creat,trunc" </dev/null >/dev/null 2>&1 &
	sleep 1
	ptb0=$(snmp6 vs1 Icmp6OutPktTooBigs)
	cptb0=$(snmp6 client Icmp6InPktTooBigs)
	head -c 20000 /dev/zero | on client timeout 15 socat -u - "TCP6:[$VIP6]:81" 2>&1 | sed 's/^/V6OUT tun-mtu|/'
	sleep 1
	got=$(wc -c </tmp/v6big 2>/dev/null || echo 0)
	echo "V6OUT tun-mtu|director Icmp6OutPktTooBigs $ptb0 -> $(snmp6 vs1 Icmp6OutPktTooBigs); client Icmp6InPktTooBigs $cptb0 -> $(snmp6 client Icmp6InPktTooBigs)"
	show tun-mtu client ip -6 route get "$VIP6"
	fact tun-mtu-20000 20000 "$(echo $got)" "bytes rs1 received through the tunnel from a 1500-MTU client"
	check_counter_grew tun-mtu-ptb vs1 Icmp6OutPktTooBigs "$ptb0" "the director sends Packet Too Big for inner packets > 1460"
	case $(on client ip -6 route get "$VIP6") in *"mtu 1460"*) pass tun-mtu-pmtu "client's route to the VIP learned mtu 1460" ;; *) fail tun-mtu-pmtu "$(on client ip -6 route get "$VIP6")" ;; esac
	kill $! 2>/dev/null
fi

# ---------------------------------------------------------------- 4 mixed families over TUN
if want mixed; then
	# IPv4 VIP, IPv6 real servers (4in6)
	on vs1 ip addr add "$VIP4/32" dev eth0
	for h in rs1 rs2; do on "$h" ip addr add "$VIP4/32" dev lo; done
	show mixed-add46 vs1 ipvsadm -A -t "$VIP4:80" -s rr
	show mixed-add46 vs1 ipvsadm -a -t "$VIP4:80" -r "[$RS1_6]:80" -i -w 1
	show mixed-add46 vs1 ipvsadm -a -t "$VIP4:80" -r "[$RS2_6]:80" -i -w 1
	# the fallback ip6tnl0 (proto ip6ip6, up since the TUN part) drops IPv4-in-IPv6
	p=$(pages 2 client "$VIP4")
	case $p in *"real server"*) fail mixed46-fallback-drops "ip6tnl0 (ip6ip6) only, yet: $p" ;; *) pass mixed46-fallback-drops "ip6tnl0 in mode ip6ip6 only: $p" ;; esac
	show mixed46-tunnel rs1 ip -6 tunnel add ipvs46 mode ipip6 local "$RS1_6"
	on rs1 ip link set ipvs46 up
	show mixed46-tunnel rs2 ip -6 tunnel change ip6tnl0 mode any
	show mixed46-tunnel rs1 ip -6 tunnel show
	show mixed46-tunnel rs2 ip -6 tunnel show
	check_alternation6 mixed46-alternation 6 client "$VIP4"
	check_path6 mixed46-path vs1 "$VIP4" 80 bypass
	# 6in6 after that: rs2 (ip6tnl0 mode any) answers; rs1's ipvs46 (mode ipip6, local = RIP6) is
	# matched before the fallback ip6tnl0 and drops ip6ip6
	p=$(pages 4 client "$VIP6")
	case $p in *"#1"*) fail mixed-ipip6-tunnel-breaks-6in6 "rs1 still answers 6in6: $p" ;; *) pass mixed-ipip6-tunnel-breaks-6in6 "rs1 (ipvs46 mode ipip6) no longer answers the IPv6 VIP: $p" ;; esac
	show mixed46-any rs1 ip -6 tunnel change ipvs46 mode any
	check_alternation6 mixed-any-tun6 4 client "$VIP6"
	check_alternation6 mixed-any-tun46 4 client "$VIP4"
	show mixed46-netlink rs1 ip link set ip6tnl0 type ip6tnl mode any
	show mixed46-netlink rs1 ip link add ipvs46b type ip6tnl mode any local "$RS1_6"
	show mixed46-netlink rs1 ip -6 tunnel show
	on rs1 ip link del ipvs46b 2>/dev/null
	# IPv4 rp_filter applies to the ip6tnl device that delivers the inner IPv4 packet
	for c in all ipvs46; do on rs1 sysctl -q -w "net.ipv4.conf.$c.rp_filter=1"; done
	p=$(pages 4 client "$VIP4")
	case $p in *"#1"*) fail mixed46-rp_filter "rs1 with rp_filter=1 still answered: $p" ;; *) pass mixed46-rp_filter "rs1 with net.ipv4.conf.{all,ipvs46}.rp_filter=1 drops: $p" ;; esac
	for c in all ipvs46; do on rs1 sysctl -q -w "net.ipv4.conf.$c.rp_filter=0"; done
	# IPv6 VIP, IPv4 real servers (6in4, sit)
	VIP6B=2001:db8:0:1::120
	vip6_director vs1 eth0 "$VIP6B"
	for h in rs1 rs2; do vip6_rs "$h" lo "$VIP6B"; done
	show mixed-add64 vs1 ipvsadm -A -t "[$VIP6B]:80" -s rr
	show mixed-add64 vs1 ipvsadm -a -t "[$VIP6B]:80" -r "$RS1_4:80" -i -w 1
	show mixed-add64 vs1 ipvsadm -a -t "[$VIP6B]:80" -r "$RS2_4:80" -i -w 1
	settle6 vs1
	modprobe sit
	p=$(pages 2 client "$VIP6B")
	case $p in *"real server"*) fail mixed64-needs-sit0-up "sit0 down, yet: $p" ;; *) pass mixed64-needs-sit0-up "sit0 down: $p" ;; esac
	for h in rs1 rs2; do on "$h" ip link set sit0 up; done
	check_alternation6 mixed64-alternation 6 client "$VIP6B"
	check_path6 mixed64-path vs1 "$VIP6B" 80 bypass
	show mixed-list vs1 ipvsadm -L -n
	show mixed-save vs1 ipvsadm -S -n
	# DR/NAT with another family: refused
	show mixed-dr-refused vs1 ipvsadm -a -t "$VIP4:80" -r "[2001:db8:0:2::13]:80" -g
	show mixed-nat-refused vs1 ipvsadm -a -t "$VIP4:80" -r "[2001:db8:0:2::13]:80" -m
	# the sync daemon and mixed-family destinations exclude each other
	if show sync-with-mixed vs1 ipvsadm --start-daemon master --mcast-interface eth0; then
		fail sync-refused-with-mixed "the sync daemon started with mixed-family destinations"
		ipvs --stop-daemon master
	else
		pass sync-refused-with-mixed "$(on vs1 ipvsadm --start-daemon master --mcast-interface eth0 2>&1 | head -1)"
	fi
	ipvs -D -t "$VIP4:80"
	ipvs -D -t "[$VIP6B]:80"
	if show sync-without-mixed vs1 ipvsadm --start-daemon master --mcast-interface eth0; then
		pass sync-starts-without-mixed "no mixed destinations left: the daemon starts"
		show sync-daemon vs1 ipvsadm -L --daemon
		ipvs -A -t "$VIP4:80" -s rr
		if show sync-then-mixed vs1 ipvsadm -a -t "$VIP4:80" -r "[$RS1_6]:80" -i; then
			fail sync-refuses-mixed-dest "a mixed destination was added while the daemon runs"
		else
			pass sync-refuses-mixed-dest "$(on vs1 ipvsadm -a -t "$VIP4:80" -r "[$RS1_6]:80" -i 2>&1 | head -1)"
		fi
		show sync-same-family-ok vs1 ipvsadm -a -t "$VIP4:80" -r "$RS1_4:80" -i
		ipvs --stop-daemon master
	else
		fail sync-starts-without-mixed "the daemon does not start even without mixed destinations"
	fi
	show sync-v6-group vs1 ipvsadm --start-daemon master --mcast-interface eth0 --mcast-group ff02::8:81
	show sync-v6-group vs1 ipvsadm -L --daemon
	ipvs --stop-daemon master
fi
if want tun || want mixed; then teardown; fi

# ---------------------------------------------------------------- 5 ipvsadm -S -n / -L -n
if want save; then
	modprobe ip_vs
	host6 ipvs6
	I() { on ipvs6 ipvsadm "$@" || echo "V6OUT save-cmd|FAILED: ipvsadm $*"; }
	I -A -t "[2001:db8::100]:80" -s wlc
	I -a -t "[2001:db8::100]:80" -r "[2001:db8::12]:80" -g -w 1
	I -a -t "[2001:db8::100]:80" -r "[2001:db8::11]:80" -g -w 3
	I -a -t "[2001:db8::100]:80" -r "[2001:db8:1234:5678:9abc:def0:1:2]:8080" -m -w 0
	I -A -t "[2001:db8::100]:443" -s rr -p 300 -M 64
	I -a -t "[2001:db8::100]:443" -r "[2001:db8::11]:443" -i -w 1 --tun-type ipip
	I -a -t "[2001:db8::100]:443" -r "[2001:db8::12]:443" -i -w 1 --tun-type gue --tun-port 6080
	I -a -t "[2001:db8::100]:443" -r "[2001:db8::13]:443" -i -w 1 --tun-type gre
	I -A -t "[2001:db8::100]:8443" -s sh -p 600
	I -A -u "[2001:db8::100]:53" -s rr
	I -a -u "[2001:db8::100]:53" -r "[2001:db8::11]:5353" -m -w 2
	I -a -u "[2001:db8::100]:53" -r "[2001:db8::12]:53" -m -w 2
	I -A -f 6 -6 -s rr
	I -a -f 6 -6 -r "[2001:db8::13]:0" -g -w 1
	I -A -f 7 -6 -s wrr -p 300 -M 64
	I -a -f 7 -6 -r "[2001:db8::14]:0" -i -w 5
	I -A -f 5 -s rr
	I -a -f 5 -r 192.0.2.13:0 -g -w 1
	I -A -t 192.0.2.100:80 -s rr
	I -a -t 192.0.2.100:80 -r 198.51.100.14:80 -g -w 1
	I -a -t 192.0.2.100:80 -r "[2001:db8::14]:80" -i -w 1
	I -A -t "[fd00::1]:80" -s rr
	I -a -t "[fd00::1]:80" -r "[fd00::2]:80" -g -w 1
	I -A -t "[2001:db8::1]:80" -s rr
	I -a -t "[2001:db8::1]:80" -r "[2001:db8::2]:80" -i -w 1
	I -a -t "[2001:db8::1]:80" -r "[fd00::2]:80" -i -w 1
	I -a -t "[2001:db8::1]:80" -r "[2001:db8::8000:0:0:2]:80" -i -w 1
	I -a -t "[2001:db8::1]:80" -r "[::ffff:192.0.2.5]:80" -i -w 1
	I -A -t "[2001:db8:0:0:1:0:0:1]:80" -s rr
	show save-S ipvs6 ipvsadm -S -n
	show save-L ipvs6 ipvsadm -L -n
	on ipvs6 ipvsadm -L -n | sed 's/$/$/' | sed 's/^/V6OUT save-L-eol|/'
	show save-L-stats ipvs6 ipvsadm -L -n --stats --exact
	show save-proc ipvs6 cat /proc/net/ip_vs
	# -M before the IPv6 service: parsed as an IPv4 mask
	show save-M-first ipvs6 ipvsadm -A -M 64 -t "[2001:db8::100]:9000" -s rr -p 60
	on ipvs6 ipvsadm -S -n | grep ':9000' | sed 's/^/V6OUT save-M-first|/'
	on ipvs6 ipvsadm -L -n | grep ':9000' | sed 's/^/V6OUT save-M-first|/'
	on ipvs6 ipvsadm -D -t "[2001:db8::100]:9000"
	# round trip into a fresh namespace
	host6 ipvs6b
	on ipvs6 ipvsadm -S -n >/tmp/v6save
	on ipvs6b ipvsadm -R </tmp/v6save
	on ipvs6b ipvsadm -S -n >/tmp/v6save2
	diff /tmp/v6save /tmp/v6save2 | sed 's/^/V6OUT save-diff|/'
	if cmp -s /tmp/v6save /tmp/v6save2; then pass save-roundtrip "ipvsadm -S -n | ipvsadm -R reproduces the table ($(wc -l </tmp/v6save) lines)"
	elif [ "$(sort /tmp/v6save)" = "$(sort /tmp/v6save2)" ]; then pass save-roundtrip "the same lines, in another order (words 2^31 apart): $(diff /tmp/v6save /tmp/v6save2 | grep -c '^[<>]') lines moved"
	else fail save-roundtrip "other lines"; fi
	# -R of the exact lines lvsc will write
	host6 ipvs6c
	printf '%s\n' "-A -t [2001:db8::1]:80 -s rr" "-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -g -w 1" \
		"-A -f 6 -6 -s rr" "-a -f 6 -6 -r [2001:db8::13]:0 -g -w 1" \
		"-A -t [2001:db8::5]:443 -s rr -p 300 -M 64" "-A -f 7 -6 -s rr -p 300 -M 64" >/tmp/v6r
	sed 's/^/V6OUT save-R-in|/' /tmp/v6r
	out=$(on ipvs6c ipvsadm -R </tmp/v6r 2>&1)
	rc=$?
	echo "V6OUT save-R|exit $rc $out"
	on ipvs6c ipvsadm -S -n | sed 's/^/V6OUT save-R-out|/'
	fact save-R-accepts 0 "$rc" "ipvsadm -R of bracketed services, -f 6 -6 and -M 64"
	# a service without a port in brackets
	show save-noport ipvs6c ipvsadm -A -t "[2001:db8::7]" -s rr
	show save-unbracketed ipvs6c ipvsadm -A -t "2001:db8::7:80" -s rr -p 60
	on ipvs6c ipvsadm -S -n | grep '::7' | sed 's/^/V6OUT save-unbracketed|/' 
	show save-6-before-f ipvs6c ipvsadm -A -6 -f 9 -s rr
fi

# ---------------------------------------------------------------- 6 real-server address errors
if want errors; then
	modprobe ip_vs
	host6 ipvse
	on ipvse ipvsadm -A -t "[2001:db8::100]:80" -s rr
	for r in "[fe80::1]:80" "[::ffff:192.0.2.11]:80" "[ff02::1]:80" "[::1]:80" "[2001:db8::11]" "2001:db8::11"; do
		show errors ipvse ipvsadm -a -t "[2001:db8::100]:80" -r "$r" -g
	done
	show errors ipvse ipvsadm -a -t "[2001:db8::100]:80" -r "[fe80::1]:80" -i
	show errors ipvse ipvsadm -a -t "[2001:db8::100]:80" -r "[fe80::1]:80" -m
	show errors ipvse ipvsadm -a -t "[2001:db8::100]:80" -r "192.0.2.11:80" -g
	show errors ipvse ipvsadm -A -t "[fe80::1]:80" -s rr
	show errors ipvse ipvsadm -A -t "[::ffff:192.0.2.10]:80" -s rr
	show errors ipvse ipvsadm -S -n
	out=$(on ipvse ipvsadm -a -t "[2001:db8::100]:80" -r "[fe80::1]:80" -g 2>&1)
	case $out in *"Invalid operation"*|*"address not unicast"*) pass errors-link-local "$out" ;; *) fail errors-link-local "$out" ;; esac
fi

# ---------------------------------------------------------------- 8 all.accept_redirects
if want sysctl; then
	host6 sys1
	on sys1 ip link add eth0 type dummy
	on sys1 sysctl -q -w net.ipv6.conf.all.accept_redirects=0
	on sys1 ip link add eth1 type dummy
	v="all=$(on sys1 sysctl -n net.ipv6.conf.all.accept_redirects) default=$(on sys1 sysctl -n net.ipv6.conf.default.accept_redirects) eth0=$(on sys1 sysctl -n net.ipv6.conf.eth0.accept_redirects) eth1(new)=$(on sys1 sysctl -n net.ipv6.conf.eth1.accept_redirects)"
	fact sysctl-all-not-propagated "all=0 default=1 eth0=1 eth1(new)=1" "$v" "after all.accept_redirects=0"
	on sys1 sysctl -q -w net.ipv6.conf.default.accept_redirects=0
	on sys1 ip link add eth2 type dummy
	v="eth0=$(on sys1 sysctl -n net.ipv6.conf.eth0.accept_redirects) eth2(new)=$(on sys1 sysctl -n net.ipv6.conf.eth2.accept_redirects)"
	fact sysctl-default-for-new "eth0=1 eth2(new)=0" "$v" "after default.accept_redirects=0"
	on sys1 sysctl -q -w net.ipv6.conf.all.forwarding=1
	v="eth0=$(on sys1 sysctl -n net.ipv6.conf.eth0.forwarding) eth0.accept_redirects=$(on sys1 sysctl -n net.ipv6.conf.eth0.accept_redirects)"
	fact sysctl-forwarding-propagates "eth0=1 eth0.accept_redirects=1" "$v" "after all.forwarding=1"
	show sysctl-rp sys1 sh -c 'sysctl -a 2>/dev/null | grep -c "^net\.ipv6.*rp_filter"'
fi
echo "V6OUT end|done"
