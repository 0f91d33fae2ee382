#!/bin/sh
# N active directors behind an ECMP router, VS_DR (issue 21). The client cli (198.51.100.2) is
# behind the router rtr (198.51.100.1 / 192.0.2.1), which runs BIRD with the generated
# bird.router.conf and 90-lvs-router.conf; on the LAN 192.0.2.0/24 the directors director1-3
# (.11-.13) run the generated rc.lvs_dr and bird.directorN.conf and announce the VIP
# 203.0.113.10 by BGP, and the real servers rs1-rs3 (.21-.23) run rc.lvs_dr in their role and a
# paced download server that says which real server it is, on every line.
#
# Each director and the router run in a mount namespace of their own (a process kept in it: the
# holder), so that each BIRD has its own /run/bird/bird.ctl, where the rc script's birdc looks.
#
# MODE (in $DIR/mode):
#   dies       tables, announcement, same choice through every director, spread, then director1's
#              link goes down mid-download, twice (director1 comes back in between)
#   drain      rc.lvs_dr drain on director3 mid-download, then rc.lvs_dr stop on director2, then
#              BIRD stopped (SIGTERM) on director1
#   nosloppy   negative control: sloppy_tcp=0 on every director after start, then director1 dies
#   reorder    negative control: director3's table loaded from ipvsadm.reversed.rules (the same
#              real servers, added in the opposite order), then director1 dies
#   wlc        negative control: the conf says wlc instead of mh, then director1 dies
. /lvs/lib.sh
. /lvs/ha_lib.sh
MODE=$(cat "$DIR/mode")
# notes carry the guest's clock: where a slow step's time went
note() { echo "[$SCEN] $(cut -d' ' -f1 /proc/uptime) $*"; }
VIP=203.0.113.10
CLIENT=198.51.100.2
ROUTER=192.0.2.1
DIRECTORS="director1 director2 director3"
RSS="rs1 rs2 rs3"
# the downloads: FLOWS at once from distinct source ports, each SIZE bytes sent at RATE bytes/s
# (the real server's kernel paces the socket: SO_MAX_PACING_RATE), so about 40 s each: long
# enough that every download still runs at the event, which comes 4 s after the last one has its
# connection (in the TCG guest, 60 downloads take up to 30 s to all have theirs)
FLOWS=60
RATE=2000
SIZE=80000
trap 'ecmp_cleanup; exit 1' TERM INT
# The client and the real servers stand for other machines, and the lab's own commands for an
# observer; in the VM they all share one CPU with the router and the directors. So they run at
# nice 19 (what this shell starts inherits it) and BIRD at 0, as if on hosts of its own: 60
# clients starting at once must not starve BFD (100 ms x 3) into declaring a director dead.
renice 19 -p $$ >/dev/null

addr() {
	case $1 in
	director?) echo "192.0.2.1${1#director}" ;;
	rs?) echo "192.0.2.2${1#rs}" ;;
	esac
}

# holder HOST: a process in HOST's netns and in a mount namespace of its own, with a private
# /run/bird; dn enters both. Its PID is kept.
holder() {
	rm -f "$STATE/ready-$1"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$1" unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs tmpfs /run/bird && : >"$1" && exec sleep 100000' \
		holder "$STATE/ready-$1" &
	echo $! >"$STATE/holder-$1"
	keep $!
	for _ in $(seq 50); do
		[ -e "$STATE/ready-$1" ] && return 0
		sleep 0.1
	done
	fail setup "$1: no mount namespace of its own"
	return 1
}

# dn HOST CMD...: run CMD on HOST, in its mount namespace (its /run/bird)
dn() {
	h=$1
	shift
	LVSC_STATE_DIR="$STATE_BASE/$SCEN/$h" nsenter -t "$(cat "$STATE/holder-$h")" -m -n "$@"
}

# drc HOST ACTION: the generated rc script on HOST, as its admin runs it
drc() {
	note "$1: sh rc.lvs_dr $2" >&2
	t0=$(now)
	rc=0
	dn "$1" sh "$RC" "$2" || rc=$?
	note "$1: rc.lvs_dr $2: exit $rc, $(elapsed "$t0") s" >&2
	return "$rc"
}

# bird_start HOST CONF: BIRD on HOST in the foreground (its PID kept), its messages in a log
bird_start() {
	note "$1: bird -c $(basename "$2")"
	# not dn in the background: that forks a subshell, whose PID $! would be. nsenter execs sh,
	# which sets its own nice to 0 and execs BIRD, so BIRD and every thread it starts run at 0
	# shellcheck disable=SC2016 # expanded by the inner sh
	LVSC_STATE_DIR="$STATE_BASE/$SCEN/$1" nsenter -t "$(cat "$STATE/holder-$1")" -m -n \
		sh -c 'renice 0 -p $$ >/dev/null && exec bird -f -c "$1"' bird "$2" >>"$STATE/bird-$1.log" 2>&1 &
	echo $! >"$STATE/bird-$1.pid"
	keep $!
}

# bird_log HOST: the end of HOST's BIRD log and its protocols, for a failed check
bird_log() {
	tail -n 20 "$STATE/bird-$1.log" 2>/dev/null | sed "s/^/[$SCEN] $1 log: /"
	dn "$1" birdc show protocols 2>&1 | sed "s/^/[$SCEN] $1: /"
}

# nexthops: how many next hops the router's route to the VIP has (0 without a route)
nexthops() {
	on rtr ip -4 route show "$VIP/32" | grep -c ' via ' || :
}

# wait_nexthops N SECS: until the router's route has N next hops; prints the seconds it took
wait_nexthops() {
	t0=$(now)
	for _ in $(seq $(($2 * 10))); do
		if [ "$(nexthops)" = "$1" ]; then
			elapsed "$t0"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# watch_route BELOW FILE: in the background, the time (uptime) at which the router's route first
# has fewer than BELOW next hops, into FILE. It waits on `ip monitor route` inside the router's
# namespace, so it costs nothing until BIRD changes a route; watch_end stops it.
watch_route() {
	rm -f "$2" "$STATE/monitor"
	mkfifo "$STATE/monitor"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec rtr sh -c '
		ip -4 monitor route >"$4" &
		m=$!
		trap "kill \$m 2>/dev/null" EXIT
		trap "exit 0" TERM
		while read -r _; do
			if [ "$(ip -4 route show "$1/32" | grep -c " via ")" -lt "$2" ]; then
				read -r t _ </proc/uptime
				echo "$t" >"$3"
				exit 0
			fi
		done <"$4"' watch "$VIP" "$1" "$2" "$STATE/monitor" &
	WATCHER=$!
	keep $!
	# ip monitor is listening once it has opened the fifo's other end
	sleep 0.5
}

# watch_end SECS: wait up to SECS for the watcher to see the change, then stop it
watch_end() {
	for _ in $(seq $(($1 * 10))); do
		kill -0 "$WATCHER" 2>/dev/null || break
		sleep 0.1
	done
	kill "$WATCHER" 2>/dev/null || :
	wait "$WATCHER" 2>/dev/null || :
}

# conns HOST PORTS: "PORT RS" for each IPVS connection on HOST from the client's ports listed in
# the file PORTS
conns() {
	dn "$1" ipvsadm -L -c -n | awk -v c="$CLIENT" '
		NR == FNR { want[$1] = 1; next }
		$1 == "TCP" { split($4, s, ":"); split($6, d, ":"); if (s[1] == c && (s[2] in want)) print s[2], d[1] }' "$2" - | sort -u
}

# ports N: the file of round N's client ports (the scenario's download-ports for round 1 when it
# has one, else FLOWS ports from 30000 + 100 N)
ports() {
	f=$STATE/ports-$1
	if [ "$1" = 1 ] && [ -e "$DIR/download-ports" ]; then
		cp "$DIR/download-ports" "$f"
	else
		seq $((30000 + 100 * $1)) $((30000 + 100 * $1 + FLOWS - 1)) >"$f"
	fi
	echo "$f"
}

# downloads_start TAG PORTS: a download from each client port in the file PORTS, all at once; each
# ends in $STATE/dl-TAG/PORT (the bytes) and a line "PORT EXIT START END" in .../results
downloads_start() {
	d=$STATE/dl-$1
	mkdir -p "$d"
	: >"$d/results"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec cli sh -c '
		for p in $(cat "$2"); do
			(
				read -r s _ </proc/uptime
				rc=0
				# (-u: the client only reads; the inactivity bound ends a stalled download). A small
				# receive buffer keeps the window of the server to a few KB: in DR the data bypasses the
				# directors and only the ACKs of the client cross them, so without it a server could send
				# the rest of a download unacknowledged, and a flow whose ACKs a director drops
				# (sloppy_tcp=0) would still look complete
				socat -T 30 -u "TCP:$4:80,sourceport=$p,reuseaddr,rcvbuf=4096,connect-timeout=30" "CREATE:$1/$p" 2>"$1/$p.err" || rc=$?
				read -r e _ </proc/uptime
				echo "$p $rc $s $e" >>"$1/results"
			) &
		done
		wait' downloads "$d" "$2" "$3" "$VIP" &
	DOWNLOADS=$!
	keep $!
}

# wait_established PORTS SECS: until every download has its connection on some director
wait_established() {
	for _ in $(seq "$2"); do
		est=0
		for h in $DIRECTORS; do est=$((est + $(conns "$h" "$1" | wc -l))); done
		[ "$est" -ge "$FLOWS" ] && return 0
		sleep 1
	done
	note "only $est of $FLOWS downloads have a connection on a director"
}

# downloads_wait TAG: until every download of TAG has ended
downloads_wait() {
	wait "$DOWNLOADS" 2>/dev/null || :
}

# median: the median of the numbers on stdin ("-" when there are none)
median() {
	sort -n | awk '{ x[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print x[(NR + 1) / 2]; else printf "%.2f\n", (x[NR / 2] + x[NR / 2 + 1]) / 2 }'
}

# dsnap DIRECTOR: lib.sh's snapshot and the IPVS sysctls the rc script sets on a director
dsnap() {
	snapshot "$1"
	on "$1" sysctl net.ipv4.vs.sloppy_tcp net.ipv4.vs.sloppy_sctp net.ipv4.vs.expire_nodest_conn
}

# ---- the lab

start_lab() {
	mkdir -p /run/bird
	modprobe ip_vs
	modprobe ip_vs_mh
	lan lanc
	lan lan0
	host cli && nic cli eth0 lanc "$CLIENT/24"
	host rtr && nic rtr eth0 lanc 198.51.100.1/24 && nic rtr eth1 lan0 "$ROUTER/24"
	for h in $DIRECTORS $RSS; do host "$h" && nic "$h" eth0 lan0 "$(addr "$h")/24"; done
	on cli ip route add default via 198.51.100.1
	# the router: the generated sysctls (forwarding, the L4 multipath hash) and BIRD
	on rtr sysctl -q -p "$DIR/90-lvs-router.conf"
	holder rtr
	bird_start rtr "$DIR/bird.router.conf"
	# the real servers: the rc script in their role, then the download server
	for h in $RSS; do
		lvs "$h" start
		awk -v n=$((SIZE / 4)) -v id="$h" 'BEGIN { for (i = 0; i < n; i++) print id }' >"/srv/$SCEN-$h.dat"
		# -U: from the file to the client only (the client's half-close ends nothing); the
		# accepted socket inherits SO_MAX_PACING_RATE (SOL_SOCKET 1, option 47) from the listener
		on "$h" socat -U "TCP-LISTEN:80,fork,reuseaddr,setsockopt-int=1:47:$RATE" "OPEN:/srv/$SCEN-$h.dat,rdonly" </dev/null >/dev/null 2>&1 &
		keep $!
	done
	# the directors: BIRD (the announcement disabled), then the rc script, which enables it last
	for h in $DIRECTORS; do
		holder "$h"
		dsnap "$h" >"$STATE/before-start-$h"
		bird_start "$h" "$DIR/bird.$h.conf"
	done
	for h in $DIRECTORS; do drc "$h" start || fail setup "$h: rc.lvs_dr start failed"; done
}

# check_announced: the router's route to the VIP has a next hop per director
check_announced() {
	if took=$(wait_nexthops 3 30); then
		pass announced "the router's route to $VIP has 3 next hops ($(on rtr ip -4 route show "$VIP/32" | grep -o 'via [0-9.]*' | tr '\n' ' ')), $took s after the last rc.lvs_dr start"
	else
		fail announced "the router's route to $VIP has $(nexthops) next hops 30 s after the last start"
		on rtr ip -4 route show "$VIP/32" | sed "s/^/[$SCEN] rtr: /"
		for h in rtr $DIRECTORS; do bird_log "$h"; done
	fi
}

# check_tables: rules - every director's ipvsadm -S -n is the compiled ipvsadm.rules; order - their
# real servers are in the same kernel order (ipvsadm -S sorts its output, -L --nosort does not,
# and mh builds its table in the kernel's order)
check_tables() {
	# shellcheck disable=SC2086 # three names
	check_tables_equal rules $DIRECTORS
	for h in $DIRECTORS; do dn "$h" ipvsadm -L -n --nosort >"$STATE/order-$h"; done
	if cmp -s "$STATE/order-director1" "$STATE/order-director2" && cmp -s "$STATE/order-director1" "$STATE/order-director3"; then
		pass order "ipvsadm -L -n --nosort is the same on the three directors ($(awk '$1 == "->" { printf "%s ", $2 }' "$STATE/order-director1"))"
	else
		fail order "the directors' real servers are in different kernel orders:"
		for h in director2 director3; do diff "$STATE/order-director1" "$STATE/order-$h" | sed "s/^/[$SCEN] $h: /"; done
	fi
}

# check_same_choice: the same client IP:port pinned through each director in turn (a policy route
# per port on the router) reaches the same real server: the ports of pinned-ports, each a short
# connection that reads the first line (the real server's name). mh-model: through director1,
# each reaches the real server the model of the kernel's mh (test/e2e/mh.ts) predicts.
check_same_choice() {
	pins=$(wc -l <"$DIR/pinned-ports")
	awk -v c="$CLIENT" '{ print "rule add from " c " ipproto 6 sport " $1 " lookup 100 priority 100" }' "$DIR/pinned-ports" | on rtr ip -batch -
	for h in $DIRECTORS; do
		on rtr ip route replace "$VIP/32" via "$(addr "$h")" dev eth1 table 100
		rm -rf "$STATE/pin-$h"
		mkdir -p "$STATE/pin-$h"
		# each reads the first 4 bytes ("rsN" and a newline), then closes with a RST (linger 0),
		# so the same 4-tuple is free again at once for the next director
		# shellcheck disable=SC2016 # expanded by the inner sh
		ip netns exec cli sh -c '
			for p in $(cat "$3"); do
				timeout 90 socat -u "TCP:$2:80,sourceport=$p,reuseaddr,linger=0,readbytes=4,connect-timeout=30" "CREATE:$1/$p" 2>"$1/$p.err" &
			done
			wait' pinned "$STATE/pin-$h" "$VIP" "$DIR/pinned-ports"
		while read -r p; do echo "$p $(cat "$STATE/pin-$h/$p" 2>/dev/null || :)"; done <"$DIR/pinned-ports" | awk '{ print $1, ($2 == "" ? "none" : $2) }' >"$STATE/pinned-$h"
	done
	while on rtr ip rule del priority 100 2>/dev/null; do :; done
	on rtr ip route flush table 100
	if cmp -s "$STATE/pinned-director1" "$DIR/pinned-expected"; then
		pass mh-model "through director1, each of the $pins client ports reached the real server the model of mh predicts"
	else
		fail mh-model "through director1, $(paste "$STATE/pinned-director1" "$DIR/pinned-expected" | awk '$2 != $4' | wc -l) of $pins client ports reached another real server than the model of mh predicts:"
		paste "$STATE/pinned-director1" "$DIR/pinned-expected" | awk '$2 != $4 { print "port " $1 ": " $2 ", predicted " $4 }' | head -n 5 | sed "s/^/[$SCEN] /"
	fi
	spread=$(awk '{ n[$2]++ } END { for (r in n) printf "%s %d, ", r, n[r] }' "$STATE/pinned-director1" | sort)
	answered=$(grep -c ' rs[0-9]$' "$STATE/pinned-director1" || :)
	differ=$(paste "$STATE/pinned-director1" "$STATE/pinned-director2" "$STATE/pinned-director3" | awk '$2 != $4 || $2 != $6 || $2 == "none"' | wc -l)
	if [ "$answered" = "$pins" ] && [ "$differ" = 0 ]; then
		pass same-choice "$pins client ports, each sent through director1, director2 and director3 in turn, reached the same real server every time (${spread%, })"
	else
		fail same-choice "$differ of $pins client ports reached another real server (or none) through some director ($answered answered through director1):"
		paste "$STATE/pinned-director1" "$STATE/pinned-director2" "$STATE/pinned-director3" | awk '$2 != $4 || $2 != $6 || $2 == "none" { print "port " $1 ": director1 " $2 ", director2 " $4 ", director3 " $6 }' | head -n 10 | sed "s/^/[$SCEN] /"
		for h in $DIRECTORS; do cat "$STATE/pin-$h"/*.err 2>/dev/null | sort | uniq -c | head -n 3 | sed "s/^/[$SCEN] $h: /"; done
	fi
}

# round N KIND VICTIM: FLOWS downloads; 4 s after they all have their connection, KIND happens
# to VICTIM (die: its link goes down; drain, stop: rc.lvs_dr drain, stop). Checks spread-N (the
# flows over the directors), KIND-N (every download complete from one real server), withdraw-N
# (from the event to the router's route without VICTIM), bgp-N (no other BGP session reset).
ROUND_FIGURES=$STATE/figures
round() {
	n=$1
	kind=$2
	victim=$3
	pf=$(ports "$n")
	# the sessions before the downloads start, so that bgp-N also sees a reset while they start
	dn rtr birdc show protocols >"$STATE/bgp-before-$n"
	downloads_start "$n" "$pf"
	wait_established "$pf" 60
	for h in $DIRECTORS; do conns "$h" "$pf" >"$STATE/before-$n-$h"; done
	counts=""
	for h in $DIRECTORS; do counts="$counts${counts:+, }$h $(wc -l <"$STATE/before-$n-$h")"; done
	rscounts=$(cat "$STATE"/before-"$n"-director? | awk '{ n[$2]++ } END { for (r in n) printf "%s %d, ", r, n[r] }')
	total=$(cat "$STATE"/before-"$n"-director? | awk '{ print $1 }' | sort -u | wc -l)
	most=$(for h in $DIRECTORS; do wc -l <"$STATE/before-$n-$h"; done | sort -n | tail -n 1)
	if [ "$total" = "$FLOWS" ] && [ "$most" -lt "$FLOWS" ]; then
		pass "spread-$n" "$FLOWS downloads over the directors: $counts (to the real servers: ${rscounts%, })"
	else
		fail "spread-$n" "$total of $FLOWS downloads have a connection on a director: $counts"
	fi
	echo "spread $counts" >>"$ROUND_FIGURES"
	sleep 4
	watch_route "$(nexthops)" "$STATE/withdrawn-$n"
	t0=$(now)
	echo "$t0" >"$STATE/event-$n"
	case $kind in
	die) on "$victim" ip link set eth0 down ;;
	drain | stop) drc "$victim" "$kind" >/dev/null || fail "$kind-$n" "rc.lvs_dr $kind exits $rc on $victim" ;;
	# BIRD stopped (systemctl stop bird, a crash handled by its supervisor): SIGTERM, on which
	# BIRD closes its sessions with a Cease, so the router withdraws at once, BFD or not
	bird) kill -TERM "$(cat "$STATE/bird-$victim.pid")" ;;
	esac
	watch_end 20
	if [ -s "$STATE/withdrawn-$n" ]; then
		took=$(elapsed "$t0" "$(cat "$STATE/withdrawn-$n")")
		pass "withdraw-$n" "$took s from $victim's $kind to the router's route without it ($(nexthops) next hops left)"
		echo "withdraw $kind $took" >>"$ROUND_FIGURES"
	else
		fail "withdraw-$n" "the router's route still has $(nexthops) next hops 20 s after $victim's $kind"
		for h in rtr $victim; do bird_log "$h"; done
	fi
	downloads_wait
	for h in $DIRECTORS; do conns "$h" "$pf" >"$STATE/after-$n-$h"; done
	dn rtr birdc show protocols >"$STATE/bgp-after-$n"
	reset=$(bgp_changed "$n" | tr '\n' ' ')
	check_downloads "$n" "$kind" "$victim"
	kept=$(($(grep -c ' BGP ' "$STATE/bgp-before-$n") - $(bgp_changed "$n" | wc -l)))
	if [ "$kept" -ge 2 ]; then
		pass "bgp-$n" "the router's sessions with the other directors were not reset (changed: ${reset:-none})"
	else
		fail "bgp-$n" "sessions changed on the router: $reset"
		sed "s/^/[$SCEN] rtr after: /" "$STATE/bgp-after-$n"
	fi
}

# bgp_changed N: the router's BGP sessions whose state changed in round N, or that went down and
# up again: a session is unchanged when its state and info are the same and its "since" moved by
# less than 0.5 s (BIRD prints the time of a state change differently by a millisecond from one
# `show protocols` to the next; a reset takes seconds: error wait time 2 s, connect delay 1 s)
bgp_changed() {
	awk '
		function secs(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		$2 != "BGP" { next }
		NR == FNR { state[$1] = $4 " " $6 " " $7; since[$1] = secs($5); next }
		{ d = secs($5) - since[$1]; if (!($1 in state) || state[$1] != $4 " " $6 " " $7 || d > 0.5 || d < -0.5) print $1 }' \
		"$STATE/bgp-before-$1" "$STATE/bgp-after-$1"
}

# check_downloads N KIND VICTIM: every download of round N is complete, from one real server;
# the dead director's flows and the ones the router moved between the others, with their delay
check_downloads() {
	n=$1
	d=$STATE/dl-$n
	: >"$d/flows"
	# PORT EXIT SECONDS BYTES SERVERS FIRST-DIRECTOR MOVED-TO
	while read -r p rc s e; do
		bytes=$(wc -c <"$d/$p" 2>/dev/null || echo 0)
		servers=$(uniq "$d/$p" 2>/dev/null | wc -l)
		first=$(grep -l "^$p " "$STATE"/before-"$n"-director? 2>/dev/null | sed 's/.*-//' | head -n 1)
		moved=-
		for h in $DIRECTORS; do
			[ "$h" != "$first" ] && grep -q "^$p " "$STATE/after-$n-$h" && moved=$h
		done
		echo "$p $rc $(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }') $bytes $servers ${first:-none} $moved $e" >>"$d/flows"
	done <"$d/results"
	good=$(awk -v size="$SIZE" '$2 == 0 && $4 == size && $5 == 1' "$d/flows" | wc -l)
	on_victim=$(awk -v v="$3" '$6 == v' "$d/flows" | wc -l)
	# the victim's downloads still running when it died (or was drained, stopped)
	live=$(awk -v v="$3" -v t="$(cat "$STATE/event-$n")" '$6 == v && $8 > t' "$d/flows" | wc -l)
	movers=$(awk -v v="$3" '$6 != v && $7 != "-"' "$d/flows" | wc -l)
	# the same real server on the director a flow moved to as on its first one
	same=0
	moved_all=0
	while read -r p _ _ _ _ first to _; do
		[ "$to" = - ] && continue
		moved_all=$((moved_all + 1))
		a=$(awk -v p="$p" '$1 == p { print $2 }' "$STATE/before-$n-$first")
		b=$(awk -v p="$p" '$1 == p { print $2 }' "$STATE/after-$n-$to")
		[ "$a" = "$b" ] && same=$((same + 1))
	done <"$d/flows"
	base=$(awk -v v="$3" '$6 != v && $7 == "-" { print $3 }' "$d/flows" | median)
	extra_victim=$(awk -v v="$3" -v b="$base" '$6 == v { printf "%.2f\n", $3 - b }' "$d/flows" | median)
	extra_movers=$(awk -v v="$3" -v b="$base" '$6 != v && $7 != "-" { printf "%.2f\n", $3 - b }' "$d/flows" | median)
	max_victim=$(awk -v v="$3" -v b="$base" '$6 == v { printf "%.2f\n", $3 - b }' "$d/flows" | sort -n | tail -n 1)
	figures="$3 had $on_victim flows ($live still running at its $2), $movers others moved between the surviving directors; $same of $moved_all moved flows found the same real server there; median download $base s, extra delay of $3's flows median ${extra_victim} s (max ${max_victim:--} s), of the movers median ${extra_movers} s"
	echo "delay $2 victim $extra_victim movers $extra_movers base $base on_victim $on_victim movers_n $movers" >>"$ROUND_FIGURES"
	if [ "$good" = "$FLOWS" ] && [ "$live" -gt 0 ]; then
		pass "$2-$n" "all $FLOWS downloads complete ($SIZE bytes each, each from one real server); $figures"
	elif [ "$live" = 0 ]; then
		fail "$2-$n" "$3 carried none of the running downloads at its $2: the check proves nothing ($good of $FLOWS complete)"
	else
		fail "$2-$n" "$((FLOWS - good)) of $FLOWS downloads failed; $figures; the router's BGP sessions that changed in the round: ${reset:-none}"
		awk -v size="$SIZE" '!($2 == 0 && $4 == size && $5 == 1) { print "port " $1 ": exit " $2 ", " $4 " bytes from " $5 " real server(s), " $3 " s, first on " $6 ", moved to " $7 }' "$d/flows" | head -n 20 | sed "s/^/[$SCEN] /"
		for p in $(awk -v size="$SIZE" '!($2 == 0 && $4 == size && $5 == 1) { print $1 }' "$d/flows" | head -n 3); do
			sed "s/^/[$SCEN] port $p: /" "$d/$p.err"
		done
	fi
}

# revive HOST: HOST's link back up (with the default route it lost, if it had one), until the
# router has 3 next hops again
revive() {
	on "$1" ip link set eth0 up
	route=$(grep '^default' "$STATE/routes-$1" | head -n 1) || :
	# shellcheck disable=SC2086 # the route's words, as ip printed them
	[ -z "$route" ] || on "$1" ip route replace $route
	if took=$(wait_nexthops 3 90); then
		note "$1 is back: 3 next hops after $took s"
		echo "back $took" >>"$ROUND_FIGURES"
	else
		note "$1 is not back after 90 s"
		bird_log "$1"
	fi
}

ecmp_cleanup() {
	for h in $DIRECTORS rtr; do
		pid=$(cat "$STATE/bird-$h.pid" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null || :
	done
	sleep 0.5
	while read -r pid; do kill "$pid" 2>/dev/null || :; done <"$STATE/pids"
	kill_netns_procs
	# every process this scenario started has ended (BIRD, servers, clients, holders)
	left=""
	while read -r pid; do kill -0 "$pid" 2>/dev/null && left="$left $pid"; done <"$STATE/pids"
	inside=0
	for ns in $(ip netns list | awk '{ print $1 }'); do inside=$((inside + $(ip netns pids "$ns" 2>/dev/null | wc -l))); done
	if [ -z "$left" ] && [ "$inside" = 0 ]; then
		pass bounded "every process the lab started has ended ($(wc -l <"$STATE/pids") kept by PID: BIRD, servers, clients, namespace holders), and none is left in its namespaces"
	else
		fail bounded "still running:$left; $inside processes in the lab's namespaces"
	fi
	teardown
}

# ---- the scenario

start_lab
check_announced
[ "$MODE" = reorder ] || check_tables
for h in $DIRECTORS; do on "$h" ip -4 route show >"$STATE/routes-$h"; done
case $MODE in
dies)
	check_same_choice
	round 1 die director1
	revive director1
	round 2 die director1
	;;
drain)
	st=0
	drc director3 status >/dev/null 2>&1 || st=$?
	round 1 drain director3
	st2=0
	after=$(drc director3 status 2>&1) || st2=$?
	if [ "$st" = 0 ] && [ "$st2" != 0 ] && contains "$after" "birdcl enable vip"; then
		pass status-drained "rc.lvs_dr status on director3 exits 0 while it announces the VIP, $st2 once drained, and names the step that announces it again"
	else
		fail status-drained "status exits $st before the drain and $st2 after: $(echo "$after" | grep -i bgp | head -n 3)"
	fi
	if dn director3 ipvsadm -S -n | cmp -s - "$DIR/ipvsadm.rules"; then
		pass drain-keeps-table "after drain, director3 still holds its IPVS table (only the announcement was withdrawn)"
	else
		fail drain-keeps-table "after drain, director3's table is not ipvsadm.rules"
	fi
	t0=$(now)
	drc director3 start >/dev/null || fail start-announces "rc.lvs_dr start exits $rc on the drained director3"
	if took=$(wait_nexthops 3 30); then
		pass start-announces "rc.lvs_dr start on the drained director3 announces the VIP again: 3 next hops $(elapsed "$t0") s after it began"
	else
		fail start-announces "the router has $(nexthops) next hops 30 s after rc.lvs_dr start on director3"
	fi
	round 2 stop director2
	dsnap director2 >"$STATE/after-stop-director2"
	check_same stop-restores "$STATE/before-start-director2" "$STATE/after-stop-director2" "stop puts back director2's addresses, links, routes, ARP and IPVS sysctls and IPVS table"
	round 3 bird director1
	;;
nosloppy)
	for h in $DIRECTORS; do dn "$h" sysctl -q -w net.ipv4.vs.sloppy_tcp=0; done
	note "sloppy_tcp=0 on every director"
	round 1 die director1
	;;
reorder)
	dn director3 ipvsadm -D -t "$VIP:80"
	dn director3 ipvsadm -R <"$DIR/ipvsadm.reversed.rules"
	note "director3's table reloaded from ipvsadm.reversed.rules"
	check_tables
	check_same_choice
	round 1 die director1
	;;
wlc)
	check_same_choice
	round 1 die director1
	;;
esac
sed "s/^/[$SCEN] figure: /" "$ROUND_FIGURES" 2>/dev/null
ecmp_cleanup
