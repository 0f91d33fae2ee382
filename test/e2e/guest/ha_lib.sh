# ha_lib.sh: helpers for the two-director scenarios (sourced after lib.sh, POSIX sh).
#
# keepalived runs on director1 and director2 (network namespaces) with the generated
# keepalived.conf and keepalived.backup.conf, unchanged. The namespaces share one PID namespace:
# every process started here is kept by its PID and stopped by it, never by name.
#
# Measurements are check details ("1.23 s") that test/e2e/ha.test.ts collects into medians.

KA1=$DIR/keepalived.conf
KA2=$DIR/keepalived.backup.conf
: >"$STATE/pids"

# now: seconds since boot, to the hundredth (every namespace reads the same clock)
now() {
	read -r up _ </proc/uptime
	echo "$up"
}

# elapsed FROM [TO]: seconds from FROM to TO (default: now), two decimals
elapsed() {
	awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f", b - a }'
}

# le A B: A <= B, as decimals
le() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'
}

# keep PID: remember a process this scenario started, so that cleanup stops it
keep() {
	echo "$1" >>"$STATE/pids"
}

# nic HOST IFNAME LAN ADDR/PREFIX: lib.sh's nic, with the LAN side of the veth named after this
# scenario's shell (vh<PID>n<N>), not veth<N>. A namespace can outlive `ip netns delete` for a
# minute or two: a TCP connection that was still sending when its process was killed keeps it
# until TCP gives up (the long-lived connection of the sync check does that), and with it the
# veth pair, whose name the next scenario would then fail to create.
NICS=0
nic() {
	NICS=$((NICS + 1))
	peer=vh$$n$NICS
	ip link add "$peer" type veth peer name "$2" netns "$1"
	ip link set "$peer" master "$3" up
	ip netns exec "$1" ip link set "$2" up
	ip netns exec "$1" ip addr add "$4" dev "$2"
}

# ka_start HOST CONF: keepalived on HOST, in the foreground (its PID kept), logging to a file
# (-l -G: to its own stderr, not to syslog, which has no daemon in the VM)
ka_start() {
	note "$1: keepalived -f $(basename "$2")"
	ip netns exec "$1" keepalived -n -l -G -D -f "$2" -p "$STATE/ka-$1.pid" -r "$STATE/ka-$1-vrrp.pid" \
		-c "$STATE/ka-$1-checkers.pid" >>"$STATE/ka-$1.log" 2>&1 &
	echo $! >"$STATE/ka-$1.bg"
	keep $!
}

# start_pair: keepalived on director1, which must become MASTER (the VIP on its eth0) within
# 20 s, then on director2, and 3 s for director2 to settle as BACKUP
start_pair() {
	ka_start director1 "$KA1"
	if master=$(wait_holds director1 "$VIP" eth0 20); then
		note "director1 is MASTER after $master s"
	else
		fail steady "director1 did not become MASTER"
		ka_log director1
	fi
	ka_start director2 "$KA2"
	sleep 3
}

# ka_stop HOST: stop HOST's keepalived (SIGTERM: it sends a priority-0 advert, removes its
# addresses and its IPVS table) and wait for it to end
ka_stop() {
	pid=$(cat "$STATE/ka-$1.bg" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || :
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$STATE/ka-$1.bg"
}

# ka_log HOST: the end of HOST's keepalived log (without the gratuitous ARPs), for a failed check
ka_log() {
	grep -v -i "gratuitous ARP" "$STATE/ka-$1.log" 2>/dev/null | tail -n 30 | sed "s/^/[$SCEN] $1: /"
}

# holds HOST ADDR [DEV]: ADDR is on HOST (DEV defaults to eth0)
holds() {
	[ -n "$(on "$1" ip -4 -o addr show dev "${3:-eth0}" to "$2/32" 2>/dev/null)" ]
}

# wait_holds HOST ADDR DEV SECS: wait until HOST has ADDR; prints the seconds it took
wait_holds() {
	t0=$(now)
	for _ in $(seq $(($4 * 5))); do
		if holds "$1" "$2" "$3"; then
			elapsed "$t0"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# web_fg HOST ID PORT: serve "real server #ID" at /test.html (and / itself), PID kept
web_fg() {
	mkdir -p "/srv/$SCEN-$1"
	echo "real server #$2" >"/srv/$SCEN-$1/test.html"
	echo "real server #$2" >"/srv/$SCEN-$1/index.html"
	ip netns exec "$1" httpd -f -p "$3" -h "/srv/$SCEN-$1" &
	echo $! >"$STATE/httpd-$1-$3"
	keep $!
}

# web_kill HOST PORT: stop the web server web_fg started
web_kill() {
	kill "$(cat "$STATE/httpd-$1-$2")" 2>/dev/null || :
	rm -f "$STATE/httpd-$1-$2"
}

# ticker HOST ID PORT: a TCP server that writes "rsID tick" to each connection 5 times a
# second until the peer goes away (the long-lived connection of the sync check)
ticker() {
	ip netns exec "$1" socat "TCP-LISTEN:$3,reuseaddr,fork" \
		"SYSTEM:while echo rs$2 tick; do sleep 0.2; done" </dev/null >/dev/null 2>&1 &
	keep $!
}

# probes_start URL: from the client, a request every $PROBE_EVERY s (0.25 unless a scenario sets it;
# each given 3 s, in the background); probes_stop then writes $STATE/probes, a line
# "START END PAGE" a request (PAGE "real server #N", or FAIL). The loop runs inside the client's
# namespace and reads the clock without forking, and a request is one subshell, timeout and wget (the
# page goes to a file of its own): the VM has one slow CPU, which the probes must not fill.
probes_start() {
	rm -rf "$STATE/probes.d" "$STATE/probes-stop"
	mkdir "$STATE/probes.d"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec client sh -c '
		i=0
		while [ ! -e "$1/probes-stop" ]; do
			i=$((i + 1))
			(
				read -r s _ </proc/uptime
				if timeout 3 wget -q -O "$1/probes.d/$i" "$2" 2>/dev/null; then r=ok; else r=FAIL; fi
				read -r e _ </proc/uptime
				echo "$s $e $r $i" >>"$1/probes.d/index"
			) &
			sleep "$3"
		done
		wait' probes "$STATE" "$1" "${PROBE_EVERY:-0.25}" &
	PROBER=$!
}

probes_stop() {
	: >"$STATE/probes-stop"
	wait "$PROBER" 2>/dev/null || :
	awk -v d="$STATE/probes.d" '{
		page = "FAIL"
		if ($3 == "ok") { f = d "/" $4; if ((getline line < f) > 0 && line != "") page = line; close(f) }
		print $1, $2, page
	}' "$STATE/probes.d/index" >"$STATE/probes" 2>/dev/null || : >"$STATE/probes"
}

# first_success T0: END of the first successful probe that started at T0 or later
first_success() {
	sort -n "$STATE/probes" | awk -v t0="$1" '$1 >= t0 && $3 != "FAIL" { if (best == "" || $2 < best) best = $2 } END { print best }'
}

# failures_after T: probes started at T or later that failed
failures_after() {
	awk -v t="$1" '$1 >= t && $3 == "FAIL"' "$STATE/probes" | wc -l | tr -d ' '
}

# probes_after T: probes started at T or later
probes_after() {
	awk -v t="$1" '$1 >= t' "$STATE/probes" | wc -l | tr -d ' '
}

# in_table HOST RIP:PORT: the real server is in HOST's IPVS table
in_table() {
	on "$1" ipvsadm -L -n | grep -q " $2 "
}

# wait_table HOST RIP:PORT present|absent SECS: prints the seconds until it is so
wait_table() {
	t0=$(now)
	for _ in $(seq $(($4 * 5))); do
		if in_table "$1" "$2"; then [ "$3" = present ] && { elapsed "$t0"; return 0; }; else [ "$3" = absent ] && { elapsed "$t0"; return 0; }; fi
		sleep 0.2
	done
	return 1
}

# check_tables_equal ID DIRECTOR...: each director's IPVS table is the compiled ipvsadm.rules
check_tables_equal() {
	id=$1
	shift
	bad=""
	for d in "$@"; do
		on "$d" ipvsadm -S -n >"$STATE/live-$d.rules"
		cmp -s "$STATE/live-$d.rules" "$DIR/ipvsadm.rules" || bad="$bad $d"
	done
	if [ -z "$bad" ]; then
		pass "$id" "ipvsadm -S -n on $* equals ipvsadm.rules ($(wc -l <"$DIR/ipvsadm.rules") lines)"
	else
		fail "$id" "the IPVS table differs from ipvsadm.rules on$bad:"
		for d in $bad; do diff "$DIR/ipvsadm.rules" "$STATE/live-$d.rules" | sed "s/^/[$SCEN] $d: /"; done
	fi
}

# method_counters DIRECTOR SERVICE: "in out" packet counters of one virtual service
method_counters() {
	on "$1" ipvsadm -L -n --stats --exact | awk -v s="$2" '$2 == s { print $4, $5; exit }'
}

# ha_cleanup: stop every process this scenario started, by PID, then the lab. The processes
# they forked (a socat's children, a web server's) are found by the namespaces they run in,
# which this scenario made: a namespace with a process left in it outlives `ip netns delete`.
kill_netns_procs() {
	for sig in TERM KILL; do
		for ns in $(ip netns list | awk '{ print $1 }'); do
			for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -s "$sig" "$pid" 2>/dev/null || :; done
		done
		sleep 0.5
	done
}

# ha_cleanup: stop what this scenario started, then tear its namespaces down
ha_cleanup() {
	[ -e "$STATE/probes-stop" ] || probes_stop 2>/dev/null
	for h in director1 director2; do ka_stop "$h"; done
	while read -r pid; do kill "$pid" 2>/dev/null || :; done <"$STATE/pids"
	kill_netns_procs
	teardown
}

# failover KIND N DEV [BOUND]: director1 is MASTER; fault it and measure, from the fault, the first
# request served through director2. KIND stop: director1's keepalived stops; link: director1's
# DEV goes down. Checks failover-KIND-N: the VIP (on $VIP_DEV) and the DIP moved, a request
# succeeded, none failed after it, and (given BOUND) it took at most twice BOUND: one failover's
# time also holds keepalived's own pace (a SIGTERM took it 0.79 s to act on once, on an idle
# machine), so the bound itself is held by the median of the runs (failover_median).
failover() {
	kind=$1
	n=$2
	bound=${4:-}
	probes_start "http://$VIP/test.html"
	sleep 1
	t0=$(now)
	case $kind in
	stop)
		kill -TERM "$(cat "$STATE/ka-director1.bg")"
		# keepalived removes the VIP first thing when it stops (and sends priority 0)
		for _ in $(seq 200); do
			holds director1 "$VIP" "$VIP_DEV" || break
			sleep 0.05
		done
		;;
	link)
		# the fault's time is read in director1's namespace the moment the link is down: under a
		# loaded TCG guest, starting `ip netns exec` alone can take seconds
		# shellcheck disable=SC2016 # expanded by the inner sh
		t0=$(ip netns exec director1 sh -c 'ip link set "$1" down && read -r up _ </proc/uptime && echo "$up"' fault "$3") || t0=$(now)
		;;
	esac
	# from here no request can be served by director1: the VIP has left it, or its link is down;
	# a request that succeeds from now on went through director2
	gone=$(now)
	moved=$(wait_holds director2 "$VIP" "$VIP_DEV" 15) || moved=""
	[ "$kind" = stop ] && ka_stop director1
	sleep 4
	probes_stop
	first=$(first_success "$gone")
	id=failover-$kind-$n
	if [ -z "$moved" ]; then
		fail "$id" "the VIP did not move to director2 within 15 s"
		ka_log director2
	elif ! holds director2 "$DIP" "$DIP_DEV" || holds director1 "$VIP" "$VIP_DEV"; then
		fail "$id" "the VIP and the DIP are not together on director2 alone"
	elif [ -z "$first" ]; then
		fail "$id" "no request succeeded after the fault"
	else
		took=$(elapsed "$t0" "$first")
		bad=$(failures_after "$first")
		[ -n "$bound" ] && echo "$took" >>"$STATE/took-$kind"
		if [ -n "$bound" ] && ! le "$took" "$(awk -v b="$bound" 'BEGIN { print 2 * b }')"; then
			fail "$id" "$took s from the fault to the first request served through director2 (bound: $bound s, at most twice that for one run); the VIP left director1 after $(elapsed "$t0" "$gone") s and reached director2 $moved s later"
			ka_log director2
		elif [ "$bad" = 0 ]; then
			pass "$id" "$took s from the fault to the first request served through director2 (the VIP left director1 after $(elapsed "$t0" "$gone") s${bound:+ and reached director2 $moved s later; bound $bound s$(le "$took" "$bound" || echo ", over it in this run")}); $(probes_after "$first") later requests, none failed"
		else
			fail "$id" "$took s to the first request served, but $bad of $(probes_after "$first") later requests failed"
		fi
	fi
}

# failover_median KIND BOUND: check failover-KIND-median: the median of this scenario's KIND
# failovers (failover with a BOUND) took at most BOUND seconds
failover_median() {
	if [ ! -s "$STATE/took-$1" ]; then
		fail "failover-$1-median" "no $1 failover was measured"
		return
	fi
	all=$(sort -n "$STATE/took-$1" | tr '\n' ' ')
	median=$(sort -n "$STATE/took-$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	if le "$median" "$2"; then
		pass "failover-$1-median" "median $median s (bound $2 s) of the $1 failovers: $all"
	else
		fail "failover-$1-median" "median $median s, over the bound of $2 s, of the $1 failovers: $all"
	fi
}

# recover_director1 KIND DEV: undo failover's fault; director1's keepalived runs again
recover_director1() {
	case $1 in
	stop) ka_start director1 "$KA1" ;;
	link) on director1 ip link set "$2" up ;;
	esac
}

# switch_back: director1 MASTER again (director2's keepalived stops, then starts as BACKUP),
# once director1's health checks have put every real server back in its table
switch_back() {
	for rs in $RS_CHECKED; do wait_table director1 "$rs" present 15 >/dev/null || note "director1 lacks $rs"; done
	ka_stop director2
	wait_holds director1 "$VIP" "$VIP_DEV" 15 >/dev/null || note "director1 did not take the VIP back"
	ka_start director2 "$KA2"
	sleep 2
}

# masters HOST: how many times HOST's keepalived has entered MASTER state (any instance)
masters() {
	grep -c "Entering MASTER STATE" "$STATE/ka-$1.log" 2>/dev/null || :
}

# vrrp_cpu HOST: CPU seconds HOST's keepalived VRRP process has used (user + system)
vrrp_cpu() {
	pid=$(cat "$STATE/ka-$1-vrrp.pid" 2>/dev/null) || { echo 0; return; }
	hz=$(getconf CLK_TCK 2>/dev/null) || hz=100
	# the fields after "(keepalived)": utime is the 14th of the line, stime the 15th
	awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat" 2>/dev/null || echo 0
}

# steady SECS: the pair left alone for SECS seconds, requests every 0.25 s from the client; checks
# steady-master: director1 stays MASTER throughout (polled every 0.5 s, and director2's keepalived
# never logs "Entering MASTER STATE"), steady-requests: no request failed
steady() {
	d2=$(masters director2)
	d1=$(masters director1)
	polls=0
	lost=0
	probes_start "http://$VIP/test.html"
	t0=$(now)
	cpu0=$(vrrp_cpu director1)
	cpu20=$(vrrp_cpu director2)
	last=$t0
	gap=0
	while le "$(elapsed "$t0")" "$1"; do
		polls=$((polls + 1))
		# the longest the guest took between two polls (0.5 s apart plus two `ip netns exec`): how
		# late its timers could fire
		t=$(now)
		gap=$(awk -v a="$last" -v b="$t" -v g="$gap" 'BEGIN { d = b - a; printf "%.2f", (d > g ? d : g) }')
		last=$t
		if holds director2 "$VIP" "$VIP_DEV" || ! holds director1 "$VIP" "$VIP_DEV"; then
			lost=$((lost + 1))
			note "at $(elapsed "$t0") s the VIP is not on director1 alone"
		fi
		sleep 0.5
	done
	probes_stop
	cpu=$(awk -v a="$cpu0" -v b="$(vrrp_cpu director1)" -v s="$1" 'BEGIN { printf "%.2f", (b - a) / s * 100 }')
	cpu2=$(awk -v a="$cpu20" -v b="$(vrrp_cpu director2)" -v s="$1" 'BEGIN { printf "%.2f", (b - a) / s * 100 }')
	note "keepalived's VRRP process used $cpu % of a CPU on director1 (MASTER), $cpu2 % on director2 (BACKUP)"
	d2now=$(masters director2)
	d1now=$(masters director1)
	if [ "$lost" = 0 ] && [ "$d2now" = "$d2" ] && [ "$d1now" = "$d1" ]; then
		pass steady-master "$1 s: director1 MASTER in all $polls polls (at most $gap s apart); director2 never entered MASTER state; VRRP process CPU: $cpu % (MASTER), $cpu2 % (BACKUP)"
	else
		fail steady-master "$1 s: the VIP was off director1 (or on director2) in $lost of $polls polls (at most $gap s apart); director2 entered MASTER state $((d2now - d2)) times, director1 $((d1now - d1)) times again; VRRP process CPU: $cpu % (MASTER), $cpu2 % (BACKUP)"
		grep -i "state\|advert\|timer" "$STATE/ka-director2.log" | tail -n 20 | sed "s/^/[$SCEN] director2: /"
	fi
	bad=$(failures_after "$t0")
	if [ "$bad" = 0 ]; then
		pass steady-requests "none of $(probes_after "$t0") requests failed"
	else
		fail steady-requests "$bad of $(probes_after "$t0") requests failed"
	fi
}
