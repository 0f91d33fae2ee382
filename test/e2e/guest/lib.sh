# lib.sh: helpers for the cluster scenarios that run inside the test VM (sourced, POSIX sh).
#
# Every "host" is a network namespace; LANs are bridges in the VM's own namespace. The
# generated rc script is run on each host exactly as a sysadmin would run it
# (`sh rc.lvs_dr start`), with its role detected from the host's addresses. Only the state
# directory differs per host, because namespaces share /run.
#
# Results are printed as lines the host side (test/e2e/vm.ts) reads:
#   LVSC-E2E CHECK <scenario> <check> PASS|FAIL <detail>

SCEN=$1
DIR=/lvs/$SCEN
RC=$(ls "$DIR"/rc.lvs_*)
STATE=/tmp/e2e-$SCEN
mkdir -p "$STATE"
# where each host's LVSC_STATE_DIR lives (a scenario may keep it elsewhere than /run)
STATE_BASE=/run/lvsc

pass() { echo "LVSC-E2E CHECK $SCEN $1 PASS $2"; }
fail() { echo "LVSC-E2E CHECK $SCEN $1 FAIL $2"; }
note() { echo "[$SCEN] $*"; }

# on HOST CMD...: run a command on a host
on() {
	ns=$1
	shift
	# not via busybox's env or timeout: with "prefer applets" they would run busybox's own sh
	LVSC_STATE_DIR="$STATE_BASE/$SCEN/$ns" ip netns exec "$ns" "$@"
}

# uptime: seconds since boot, to the hundredth
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# lan NAME: a switch
lan() {
	ip link add "$1" type bridge
	ip link set "$1" up
}

# host NAME: a machine with only loopback
host() {
	ip netns add "$1"
	ip netns exec "$1" ip link set lo up
}

# nic HOST IFNAME LAN ADDR/PREFIX: plug HOST into LAN
NICS=0
nic() {
	NICS=$((NICS + 1))
	peer=veth$NICS
	ip link add "$peer" type veth peer name "$2" netns "$1"
	ip link set "$peer" master "$3" up
	ip netns exec "$1" ip link set "$2" up
	ip netns exec "$1" ip addr add "$4" dev "$2"
}

# lvs HOST ACTION [ROLE]: run the generated script on HOST as its admin would
lvs() {
	lvs_rc "$RC" "$@"
}

# lvs_rc SCRIPT HOST ACTION [ROLE]: run another of the scenario's scripts (a second cluster)
lvs_rc() {
	# (notes on stderr: a caller may capture the script's own output)
	note "$2: sh ${1#"$DIR"/} $3${4:+ $4}" >&2
	t0=$(uptime_s)
	rc=0
	on "$2" sh "$1" "$3" ${4:+"$4"} || rc=$?
	note "$2: ${1##*/} $3: exit $rc, $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s" >&2
	return "$rc"
}

# web HOST ID [PORT]: serve "real server #ID" at /test.html
web() {
	mkdir -p "/srv/$SCEN-$1"
	echo "real server #$2" >"/srv/$SCEN-$1/test.html"
	on "$1" httpd -p "${3:-80}" -h "/srv/$SCEN-$1"
}

# fetch HOST URL: the page, or nothing
fetch() {
	on "$1" timeout 3 wget -q -O - "$2" 2>/dev/null || :
}

# mac HOST IFNAME
mac() {
	on "$1" cat "/sys/class/net/$2/address"
}

# snapshot HOST...: what start and stop may change: addresses, links, routes, the sysctls
# the scripts touch, and the IPVS table
snapshot() {
	for h in "$@"; do
		echo "== $h"
		on "$h" ip -4 -o addr show | sed 's/\\.*//; s/  */ /g'
		on "$h" ip -o link show | awk '{ print $2, $3 }' | sed 's/@[^:]*:/:/'
		on "$h" ip -4 route show
		on "$h" sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.(ip_forward|conf\.[^.]+\.(arp_ignore|arp_announce|send_redirects|rp_filter|hidden|forwarding)) ' || :
		on "$h" ipvsadm -S -n
	done
}

# check_same ID FILE1 FILE2 MESSAGE
check_same() {
	if cmp -s "$2" "$3"; then
		pass "$1" "$4"
	else
		fail "$1" "$4; differences:"
		diff "$2" "$3" | sed "s/^/[$SCEN] /"
	fi
}

# check_rules DIRECTOR: the live table of the cluster's VIP equals the compiled ipvsadm.rules
check_rules() {
	on "$1" ipvsadm -S -n | grep -v -e '10\.9\.9\.9' -e '-f 99 ' >"$STATE/live.rules"
	if cmp -s "$STATE/live.rules" "$DIR/ipvsadm.rules"; then
		pass rules "ipvsadm -S -n equals ipvsadm.rules ($(wc -l <"$DIR/ipvsadm.rules") lines)"
	else
		fail rules "ipvsadm -S -n differs from ipvsadm.rules:"
		diff "$DIR/ipvsadm.rules" "$STATE/live.rules" | sed "s/^/[$SCEN] /"
	fi
}

# check_alternation ID N GETTER ARGS...: N answers from GETTER alternate between #1 and #2
check_alternation() {
	id=$1
	n=$2
	shift 2
	seen=""
	prev=""
	ok=0
	for _ in $(seq "$n"); do
		page=$("$@")
		seen="$seen${seen:+, }${page:-(no answer)}"
		case $page in "real server #"*) ;; *) ok=1 ;; esac
		[ "$page" != "$prev" ] || ok=1
		prev=$page
	done
	case $seen in *"#1"*) ;; *) ok=1 ;; esac
	case $seen in *"#2"*) ;; *) ok=1 ;; esac
	if [ "$ok" = 0 ]; then pass "$id" "$seen"; else fail "$id" "$seen"; fi
}

# udp HOST ADDR PORT: one datagram's answer, or nothing
udp() {
	echo ping | on "$1" timeout 3 socat -T 2 - "UDP4:$2:$3" 2>/dev/null || :
}

# udp_echo HOST ADDR PORT ID: answer each datagram on ADDR:PORT with "real server #ID"
# (bound to the VIP, so that replies leave with the VIP as their source, as a DR real server's must)
udp_echo() {
	echo "real server #$4" >"/srv/$SCEN-$1.udp"
	on "$1" socat "UDP4-RECVFROM:$3,bind=$2,reuseaddr,fork" "SYSTEM:cat /srv/$SCEN-$1.udp" </dev/null >/dev/null 2>&1 &
}

# check_split CLIENT URL N WANT1 WANT2: N requests split WANT1:WANT2 between #1 and #2
check_split() {
	n1=0
	n2=0
	for _ in $(seq "$3"); do
		case $(fetch "$1" "$2") in
		"real server #1") n1=$((n1 + 1)) ;;
		"real server #2") n2=$((n2 + 1)) ;;
		esac
	done
	if [ "$n1" = "$4" ] && [ "$n2" = "$5" ]; then pass split "#1 got $n1, #2 got $n2"; else fail split "#1 got $n1, #2 got $n2 (wanted $4 and $5)"; fi
}

# ipvs_packets DIRECTOR SERVICE: "in out" packet counters of one virtual service
ipvs_packets() {
	on "$1" ipvsadm -L -n --stats --exact | awk -v s="$2" '$2 == s { print $4, $5; exit }'
}

# check_method DIRECTOR SERVICE through|bypass: whether replies pass through the director
check_method() {
	counters=""
	# ipvsadm's counters lag by up to 2 s on kernel 6.1
	for _ in 1 2 3 4 5 6; do
		counters=$(ipvs_packets "$1" "$2")
		[ "${counters%% *}" -gt 0 ] 2>/dev/null && break
		sleep 1
	done
	inpkts=${counters%% *}
	outpkts=${counters##* }
	if [ "$3" = bypass ] && [ "${inpkts:-0}" -gt 0 ] && [ "$outpkts" = 0 ]; then
		pass method "replies bypass the director ($inpkts packets in, $outpkts out)"
	elif [ "$3" = through ] && [ "${inpkts:-0}" -gt 0 ] && [ "${outpkts:-0}" -gt 0 ]; then
		pass method "replies pass through the director ($inpkts packets in, $outpkts out)"
	else
		fail method "expected replies to $3 the director; counters: ${inpkts:-none} in, ${outpkts:-none} out"
	fi
}

# check_arp ASKER IFNAME VIP DIRECTOR DIRECTOR_IFNAME: only the director answers ARP for the VIP
check_arp() {
	check_arp_as arp "$@"
}

# check_arp_as ID ASKER IFNAME VIP DIRECTOR DIRECTOR_IFNAME: check_arp, reported as ID
check_arp_as() {
	id=$1
	shift
	want=$(mac "$4" "$5")
	replies=$(on "$1" arping -c 3 -w 3 -I "$2" "$3" 2>/dev/null | sed -n 's/.*\[\(.*\)\].*/\1/p' | tr 'A-F' 'a-f' | sort -u | tr '\n' ' ')
	cached=$(on "$1" ip neigh show "$3" dev "$2" | awk '{ print $3 }')
	if [ "$replies" = "$want " ] && { [ -z "$cached" ] || [ "$cached" = "$want" ]; }; then
		pass "$id" "$1 resolves the VIP $3 to the director's $5 ($want) only"
	else
		fail "$id" "ARP replies for $3 came from: ${replies:-nobody}(director is $want; $1 cached ${cached:-nothing})"
	fi
}

# check ID MESSAGE CONDITION...: pass when the condition (a command) succeeds
check() {
	id=$1
	msg=$2
	shift 2
	if "$@"; then pass "$id" "$msg"; else fail "$id" "$msg: not so"; fi
}

# contains TEXT PART...: TEXT contains every PART
contains() {
	text=$1
	shift
	for part in "$@"; do
		case $text in *"$part"*) ;; *)
			note "missing: $part"
			return 1
			;;
		esac
	done
}

# has_addr_on HOST ADDR: some device of HOST has the IPv4 address ADDR
has_addr_on() {
	on "$1" ip -4 -o addr show | awk -v a="$2" '{ sub(/\/.*/, "", $4) } $4 == a { f = 1 } END { exit !f }'
}

# ---------------------------------------------------------------- topologies

# dr_net: the walkthrough's LAN 192.168.0.0/24: client .200, director vs1 .1, real servers
# rs1 .3 and rs2 .4, each serving its page on 80 and 23
dr_net() {
	modprobe ip_vs
	lan lan0
	host client && nic client eth0 lan0 192.168.0.200/24
	host vs1 && nic vs1 eth0 lan0 192.168.0.1/24
	host rs1 && nic rs1 eth0 lan0 192.168.0.3/24
	host rs2 && nic rs2 eth0 lan0 192.168.0.4/24
	web rs1 1
	web rs2 2
	web rs1 1 23
	web rs2 2 23
}

# nat_lans: the client (172.16.9.2) behind a router, whose outside LAN lano (192.168.1.0/24,
# router .254) faces the directors; the inside LAN lani (10.1.1.0/24) of rs1 (.2) and rs2 (.3).
# The caller adds the director(s)
nat_lans() {
	modprobe ip_vs
	lan lanc
	lan lano
	lan lani
	host client && nic client eth0 lanc 172.16.9.2/24
	host router && nic router eth0 lanc 172.16.9.1/24 && nic router eth1 lano 192.168.1.254/24
	host rs1 && nic rs1 eth0 lani 10.1.1.2/24
	host rs2 && nic rs2 eth0 lani 10.1.1.3/24
	on client ip route add default via 172.16.9.1
	on router sysctl -q -w net.ipv4.ip_forward=1
}

# nat_net: nat_lans with the director vs1 (outside eth0 192.168.1.9, inside eth1 the DIP
# 10.1.1.1); the real servers start with another default route (10.1.1.254)
nat_net() {
	nat_lans
	host vs1 && nic vs1 eth0 lano 192.168.1.9/24 && nic vs1 eth1 lani 10.1.1.1/24
	on rs1 ip route add default via 10.1.1.254
	on rs2 ip route add default via 10.1.1.254
}

# tun_net: the client (172.16.9.2) and the director vs1 (192.168.1.9) on two networks of one
# router; the real servers rs1 (172.16.2.11) and rs2 (172.16.2.12) on a third, with strict
# reverse-path filtering, as many distributions ship it
tun_net() {
	modprobe ip_vs
	# ipip makes tunl0 in every namespace: load it first, so before/after snapshots compare
	modprobe ipip
	lan lanc
	lan lana
	lan lanb
	host client && nic client eth0 lanc 172.16.9.2/24
	host router && nic router eth0 lanc 172.16.9.1/24 && nic router eth1 lana 192.168.1.254/24 && nic router eth2 lanb 172.16.2.254/24
	host vs1 && nic vs1 eth0 lana 192.168.1.9/24
	host rs1 && nic rs1 eth0 lanb 172.16.2.11/24
	host rs2 && nic rs2 eth0 lanb 172.16.2.12/24
	on client ip route add default via 172.16.9.1
	on router sysctl -q -w net.ipv4.ip_forward=1
	for h in rs1 rs2; do
		for c in all default tunl0 eth0; do on "$h" sysctl -q -w "net.ipv4.conf.$c.rp_filter=1"; done
	done
	web rs1 1
	web rs2 2
}

# check_idempotent HOSTS...: a second start changes nothing
check_idempotent() {
	snapshot "$@" >"$STATE/after-start"
	for h in "$@"; do lvs "$h" start >/dev/null; done
	snapshot "$@" >"$STATE/after-second-start"
	check_same idempotent "$STATE/after-start" "$STATE/after-second-start" "a second start leaves the table, addresses, routes and sysctls unchanged"
}

# check_status DIRECTOR REALSERVER: status exits 0 while started
check_status() {
	s1=0
	s2=0
	lvs "$1" status >/dev/null || s1=$?
	lvs "$2" status >/dev/null || s2=$?
	if [ "$s1" = 0 ] && [ "$s2" = 0 ]; then pass status "status exits 0 on the director and a real server"; else fail status "status exit codes: director $s1, real server $s2"; fi
}

# hand_made DIRECTOR: a second, unrelated VIP and a firewall-mark service added by hand
hand_made() {
	on "$1" ipvsadm -A -t 10.9.9.9:80 -s wlc
	on "$1" ipvsadm -a -t 10.9.9.9:80 -r 10.9.9.10:80 -g -w 5
	on "$1" ipvsadm -A -f 99 -s rr
}

# check_hand_made DIRECTOR ID WHEN: the hand-made entries are still there
check_hand_made() {
	got=$(on "$1" ipvsadm -S -n | grep -c -e '10\.9\.9\.9' -e '-f 99 ')
	if [ "$got" = 3 ]; then pass "$2" "the hand-made VIP 10.9.9.9 and mark 99 survive $3"; else fail "$2" "only $got of 3 hand-made entries left $3"; fi
}

# check_stop_restores HOSTS...: stop puts back exactly what was there before start
check_stop_restores() {
	for h in "$@"; do lvs "$h" stop >/dev/null; done
	snapshot "$@" >"$STATE/after-stop"
	if cmp -s "$STATE/before-start" "$STATE/after-start"; then
		fail restored "start changed nothing, so there was nothing to restore"
		return
	fi
	check_same restored "$STATE/before-start" "$STATE/after-stop" "stop restores every address, link, route, sysctl and IPVS entry"
}

# preflight DIRECTOR: the script stops before changing anything without a tool it needs, or
# without root (the restored check later proves that nothing was changed)
preflight() {
	mv /sbin/ipvsadm /sbin/ipvsadm.away
	out=$(lvs "$1" start 2>&1)
	rc=$?
	mv /sbin/ipvsadm.away /sbin/ipvsadm
	case "$rc $out" in
	"1 "*"required command 'ipvsadm' not found"*) pass missing-command "without ipvsadm: exit 1, \"required command 'ipvsadm' not found\"" ;;
	*) fail missing-command "without ipvsadm: exit $rc: $out" ;;
	esac
	grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	out=$(LVSC_STATE_DIR="$STATE_BASE/$SCEN/$1" ip netns exec "$1" su -s /bin/sh nobody -c "sh $RC start" 2>&1)
	rc=$?
	case "$rc $out" in
	"4 "*"must run as root"*) pass not-root "as nobody: exit 4 (LSB: insufficient privilege), \"must run as root\"" ;;
	*) fail not-root "as nobody: exit $rc: $out" ;;
	esac
}

# finish_checks: what every scenario checks last (the director is vs1, rs1 and rs2 its real servers)
finish_checks() {
	check_status vs1 rs1
	check_idempotent vs1 rs1 rs2
	check_hand_made vs1 hand-made-start "start"
	check_stop_restores vs1 rs1 rs2
	teardown
}

# check_routed through|bypass: a cluster whose client is behind the router
check_routed() {
	check_alternation alternation 6 fetch client "http://$VIP/test.html"
	check_method vs1 "$VIP:80" "$1"
	check_arp router eth1 "$VIP" vs1 eth0
	finish_checks
}

teardown() {
	ip -all netns delete 2>/dev/null || :
	for b in $(ip -o link show type bridge | awk -F': ' '{ print $2 }'); do ip link del "$b"; done
	killall httpd socat 2>/dev/null || :
}
