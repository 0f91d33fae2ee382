#!/bin/sh
# Health checks per service (CHECK): one director runs the generated keepalived.conf, unchanged,
# under Debian's keepalived; rs1 (.3) and rs2 (.4) on the LAN 192.168.0.0/24 serve HTTP on 80
# and HTTPS on 443 (socat, a certificate the host made), DNS on 53/udp (dnsd, compiled by the host)
# and 8080 (a plain TCP listener). For each kind, rs2 is made unhealthy the way that kind sees
# (/health answers 500 while / answers 200; SERVFAIL; the script's exit status) and the time until
# it leaves the table is measured; then it is made healthy and must come back. MODE (in $DIR/mode):
#   custom   the conf's CHECK lines: rs2 must leave, rs1 stay
#   default  the same lab with lvsc's default checks: rs2 must stay (the negative control)
. /lvs/lib.sh
. /lvs/ha_lib.sh
# (the mode only changes the conf, and RUNS: in $DIR/runs)
RUNS=$(cat "$DIR/runs" 2>/dev/null || echo 3)
CHECKS=/tmp/lvsc-checks
KA=$DIR/keepalived.conf
trap 'ha_cleanup; exit 1' TERM INT

# keepalived runs the script check as nobody: the VM's passwd has only root
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
chmod 755 /lvs /lvs/checks_script.sh
rm -rf "$CHECKS"
mkdir -p "$CHECKS"
chmod 755 "$CHECKS"

modprobe ip_vs
lan lan0
host director && nic director eth0 lan0 192.168.0.1/24
host rs1 && nic rs1 eth0 lan0 192.168.0.3/24
host rs2 && nic rs2 eth0 lan0 192.168.0.4/24

# serve H PROTO-ADDRESS SCRIPT: a socat responder on host H, its PID kept
serve() {
	ip netns exec "$1" socat "$2" SYSTEM:"exec /bin/sh /lvs/$3 $1" 2>>"$STATE/socat-$1.log" &
	keep $!
}
for h in rs1 rs2; do
	serve "$h" TCP4-LISTEN:80,reuseaddr,fork checks_http.sh
	serve "$h" "OPENSSL-LISTEN:443,reuseaddr,fork,cert=$DIR/rs.pem,verify=0" checks_http.sh
	ip netns exec "$h" "$DIR/dnsd" "$CHECKS/$h-rcode" &
	keep $!
	# (a TCP connect check closes before the greeting is written: its EPIPE is no news)
	ip netns exec "$h" socat TCP4-LISTEN:8080,reuseaddr,fork SYSTEM:"echo $h" 2>/dev/null &
	keep $!
done
sleep 1

# wait_rs RIP:PORT present|absent SECS: prints the seconds until the director's table is so. By
# the clock, not by a count of polls: on a loaded machine one ipvsadm in the TCG guest can take
# a second, and a count of polls would stretch the wait many times over.
wait_rs() {
	t0=$(now)
	end=$(awk -v a="$t0" -v b="$3" 'BEGIN { printf "%.2f", a + b }')
	while :; do
		if in_table director "$1"; then [ "$2" = present ] && { elapsed "$t0"; return 0; }; else [ "$2" = absent ] && { elapsed "$t0"; return 0; }; fi
		le "$end" "$(now)" && return 1
		sleep 0.2
	done
}

ka_start director "$KA"
# every real server of every service in the table: their first checks passed
missing=""
for rip in 192.168.0.3:80 192.168.0.4:80 192.168.0.3:443 192.168.0.4:443 192.168.0.3:53 192.168.0.4:53 192.168.0.3:8080 192.168.0.4:8080; do
	wait_rs "$rip" present 30 >/dev/null || missing="$missing $rip"
done
if [ -z "$missing" ]; then
	pass steady "keepalived started; all 8 real servers of the 4 services are in the table"
else
	fail steady "not in the table 30 s after keepalived started:$missing"
	ka_log director
fi

# break KIND / heal KIND: make rs2 unhealthy (healthy) the way KIND's check sees it
break_rs2() {
	case $1 in
	http | https) echo 500 >"$CHECKS/rs2-health" ;;
	dns) echo 2 >"$CHECKS/rs2-rcode" ;;
	script) : >"$CHECKS/fail-192.168.0.4" ;;
	esac
}
heal_rs2() {
	rm -f "$CHECKS/rs2-health" "$CHECKS/rs2-rcode" "$CHECKS/fail-192.168.0.4"
}

# the real server's application: / answers 200 while /health answers 500
check_split_health() {
	if on director wget -q -O /dev/null "http://192.168.0.4/" && ! on director wget -q -O /dev/null "http://192.168.0.4/health"; then
		pass health-500-root-200 "while rs2 is out: its / answers 200 and its /health 500 (wget from the director)"
	else
		fail health-500-root-200 "rs2's / or /health does not answer as the lab set it"
	fi
}

# measure KIND PORT BOUND: RUNS times, break rs2 and time until it leaves the table (the check
# KIND-out-N), then heal it and wait for its return (KIND-back-N). BOUND is what the
# keepalived.conf comment states for a server that fails at once; the time measured is reported
# against it (the README gives the medians), and the check passes when rs2 leaves, rs1 staying,
# within 3 x BOUND + 5 s: a TCG guest's timers fire late on a loaded machine (10.6 s once, bound
# 3 s, at load 7 on 2 cores), so the bound itself is not asserted. In the default mode,
# KIND-out-N must fail: rs2 stays in for those 3 x BOUND + 5 s.
measure() {
	kind=$1
	port=$2
	bound=$3
	wait_for=$((3 * bound + 5))
	for n in $(seq "$RUNS"); do
		t0=$(now)
		break_rs2 "$kind"
		if wait_rs "192.168.0.4:$port" absent "$wait_for" >/dev/null; then
			total=$(elapsed "$t0")
			within=$(le "$total" "$bound" && echo "within" || echo "over")
			if in_table director "192.168.0.3:$port"; then
				pass "$kind-out-$n" "rs2 left the $kind service's table $total s after it turned unhealthy ($within the bound, $bound s); rs1 stayed"
			else
				fail "$kind-out-$n" "rs2 left after $total s, but so did the healthy rs1"
			fi
			[ "$kind" = http ] && [ "$n" = 1 ] && check_split_health
		else
			fail "$kind-out-$n" "rs2 is still in the $kind service's table $wait_for s after it turned unhealthy"
		fi
		t0=$(now)
		heal_rs2
		if wait_rs "192.168.0.4:$port" present 30 >/dev/null; then
			pass "$kind-back-$n" "rs2 was back $(elapsed "$t0") s after it turned healthy"
		else
			fail "$kind-back-$n" "rs2 is not back 30 s after it turned healthy"
			ka_log director
		fi
	done
}

# the bounds: interval + retries x retry-delay of the conf's CHECK lines (2 + 1 x 1)
measure http 80 3
measure https 443 3
measure dns 53 3
measure script 8080 3
ka_log director | grep -i -e error -e warn -e SECURITY | head -n 20
ha_cleanup
exit 0
