#!/bin/sh
# Two directors, VS_DR. The client (172.16.9.2) is behind a router (172.16.9.1 / 192.168.0.254);
# on the LAN 192.168.0.0/24: director1 (.11) and director2 (.12), which share the VIP .101 and
# the DIP .1 through keepalived, and the real servers rs1 (.3) and rs2 (.4).
# MODE (in $DIR/mode):
#   stop    steady state, director1's keepalived stopped twice, director1 comes back
#   link    director1's link taken down twice
#   conn    a long-lived connection across a failover
#   nosync  the same (the host side removed lvs_sync_daemon)
#   rs      a real server fails and returns, three times
#   off     INITIAL_STATE=off: healthy real servers enter the table once checked
#   fast    fast VRRP timers: director1's link down three times (bound 1 s), its keepalived
#           stopped three times (bound 0.6 s), requests every 0.1 s
#   fast-link  the link failovers alone, against the same bound (the default timers' control)
#   steady  the pair left alone for $DIR/steady-seconds s: director1 stays MASTER
. /lvs/lib.sh
. /lvs/ha_lib.sh
MODE=$(cat "$DIR/mode")
VIP=192.168.0.101
DIP=192.168.0.1
VIP_DEV=eth0
DIP_DEV=eth0
RS_CHECKED="192.168.0.3:80 192.168.0.4:80"
trap 'ha_cleanup; exit 1' TERM INT

modprobe ip_vs
lan lanc
lan lan0
host client && nic client eth0 lanc 172.16.9.2/24
host router && nic router eth0 lanc 172.16.9.1/24 && nic router eth1 lan0 192.168.0.254/24
host director1 && nic director1 eth0 lan0 192.168.0.11/24
host director2 && nic director2 eth0 lan0 192.168.0.12/24
host rs1 && nic rs1 eth0 lan0 192.168.0.3/24
host rs2 && nic rs2 eth0 lan0 192.168.0.4/24
on client ip route add default via 172.16.9.1
on router sysctl -q -w net.ipv4.ip_forward=1
web_fg rs1 1 80
[ "$MODE" = off ] || web_fg rs2 2 80
ticker rs1 1 5001
ticker rs2 2 5001
snapshot director1 director2 rs1 rs2 >"$STATE/before-start"

# the generated files, unchanged: the rc script prepares every host, keepalived runs on the
# directors (director1 first: with nopreempt, the first to become MASTER stays MASTER)
for h in director1 director2 rs1 rs2; do lvs "$h" start; done

if [ "$MODE" = off ]; then
	t0=$(now)
	ka_start director1 "$KA1"
	if took=$(wait_table director1 192.168.0.3:80 present 15); then
		total=$(elapsed "$t0")
		pass initial-off-healthy-added "rs1 entered the table $total s after keepalived started (its first check passed)"
	else
		fail initial-off-healthy-added "rs1 is not in the table 15 s after keepalived started"
		ka_log director1
	fi
	sleep 4
	if in_table director1 192.168.0.4:80; then
		fail initial-off-unhealthy-left-out "rs2, whose server is down, is in the table"
	else
		pass initial-off-unhealthy-left-out "rs2, whose server is down, stays out of the table"
	fi
	t0=$(now)
	web_fg rs2 2 80
	if took=$(wait_table director1 192.168.0.4:80 present 15); then
		pass initial-off-late-server-added "rs2 entered the table $(elapsed "$t0") s after its server started"
	else
		fail initial-off-late-server-added "rs2 is not in the table 15 s after its server started"
	fi
	check_alternation alternation 6 fetch client "http://$VIP/test.html"
	ha_cleanup
	exit 0
fi

start_pair

# ---- 1. steady state: the VIP and the DIP on director1 alone, both tables complete
check_tables_equal rules director1 director2
check_alternation alternation 6 fetch client "http://$VIP/test.html"
if holds director1 "$VIP" && holds director1 "$DIP" && ! holds director2 "$VIP" && ! holds director2 "$DIP"; then
	pass placement "the VIP and the DIP are on director1 only"
else
	fail placement "VIP/DIP: director1 $(holds director1 "$VIP" && echo VIP) $(holds director1 "$DIP" && echo DIP), director2 $(holds director2 "$VIP" && echo VIP) $(holds director2 "$DIP" && echo DIP)"
fi
check_arp router eth1 "$VIP" director1 eth0

case $MODE in
stop)
	s1=0
	s2=0
	out1=$(lvs director1 status) || s1=$?
	out2=$(lvs director2 status) || s2=$?
	# each director's report is read on its own: the order of its lines is not the point
	if [ "$s1 $s2" = "0 0" ] &&
		contains "$out1" "info     VRRP MASTER: the VIP" && contains "$out2" "info     not VRRP MASTER"; then
		pass prepare-status "status exits 0 on both directors; director1 is MASTER, director2 is not"
	else
		fail prepare-status "exit $s1, $s2: $out1 | $out2"
	fi
	check_idempotent director1 director2 rs1 rs2
	for n in 1 2; do
		failover stop "$n"
		recover_director1 stop
		if [ "$n" = 1 ]; then
			# ---- 5. director1 comes back: nopreempt, the VIP stays with director2
			t0=$(now)
			probes_start "http://$VIP/test.html"
			sleep 8
			probes_stop
			bad=$(failures_after "$t0")
			if holds director2 "$VIP" && holds director2 "$DIP" && ! holds director1 "$VIP" && [ "$bad" = 0 ]; then
				pass director1-returns "8 s after director1's keepalived restarted, the VIP and the DIP are still on director2 (nopreempt); none of $(probes_after "$t0") requests failed"
			else
				fail director1-returns "VIP on director2: $(holds director2 "$VIP" && echo yes || echo no), on director1: $(holds director1 "$VIP" && echo yes || echo no); $bad failed requests"
			fi
		fi
		switch_back
	done
	for h in director1 director2; do ka_stop "$h"; done
	check_stop_restores director1 director2 rs1 rs2
	;;
link)
	for n in 1 2; do
		failover link "$n" eth0
		recover_director1 link eth0
		switch_back
	done
	;;
conn | nosync)
	# ---- 3. a long-lived connection survives the failover (with the connection sync)
	ip netns exec client socat -u TCP:$VIP:5001 - >"$STATE/stream" 2>"$STATE/stream.err" &
	stream=$!
	keep $stream
	# the MASTER's sync thread sends its buffer every 2 s or so
	sleep 4
	before=$(wc -l <"$STATE/stream")
	server=$(tail -n 1 "$STATE/stream" | cut -d' ' -f1)
	on director2 ipvsadm -L -n -c | grep ":5001" | sed "s/^/[$SCEN] director2 copy: /"
	ka_stop director1
	if moved=$(wait_holds director2 "$VIP" eth0 15); then
		pass failover "the VIP moved to director2 $moved s after director1's keepalived stopped"
	else
		fail failover "the VIP did not move to director2"
	fi
	sleep 5
	at_failover=$(wc -l <"$STATE/stream")
	sleep 3
	after=$(wc -l <"$STATE/stream")
	if kill -0 "$stream" 2>/dev/null && [ "$after" -gt "$at_failover" ] && [ "$at_failover" -gt "$before" ]; then
		pass connection-survives "the connection to $server goes on through director2: $before lines before the failover, $after 8 s after"
	else
		fail connection-survives "the connection to $server stopped: $before lines before the failover, $at_failover 5 s after, $after 8 s after; client: $(kill -0 "$stream" 2>/dev/null && echo running || echo "ended, $(cat "$STATE/stream.err")")"
	fi
	kill "$stream" 2>/dev/null || :
	;;
fast | fast-link)
	# ---- 6. sub-second failover: the same faults, finer probes, the issue's bounds
	PROBE_EVERY=0.1
	for n in 1 2 3; do
		failover link "$n" eth0 1
		recover_director1 link eth0
		switch_back
	done
	failover_median link 1
	if [ "$MODE" = fast ]; then
		for n in 1 2 3; do
			failover stop "$n" "" 0.6
			recover_director1 stop
			switch_back
		done
		failover_median stop 0.6
	fi
	;;
steady)
	# ---- 7. no false failover: the pair on its own, with traffic, for a long time
	steady "$(cat "$DIR/steady-seconds")"
	;;
rs)
	# ---- 4. a real server fails: out of both tables within the check's delay plus its timeout
	for n in 1 2 3; do
		t0=$(now)
		web_kill rs1 80
		if took=$(wait_table director1 192.168.0.3:80 absent 20); then
			out2=never
			wait_table director2 192.168.0.3:80 absent 10 >/dev/null && out2="$(elapsed "$t0") s"
			ok=0
			for _ in $(seq 8); do [ "$(fetch client "http://$VIP/test.html")" = "real server #2" ] || ok=1; done
			# delay_loop 3 + connect_timeout 3
			if le "$took" 6 && [ "$ok" = 0 ]; then
				pass "rs-removal-$n" "$took s after rs1's server stopped, rs1 left director1's table (director2's: after ${out2}); the next 8 requests all went to rs2"
			else
				fail "rs-removal-$n" "rs1 left the table after $took s (bound: 6 s); every later request served: $([ "$ok" = 0 ] && echo yes || echo no)"
				ka_log director1
			fi
		else
			fail "rs-removal-$n" "rs1 is still in director1's table 20 s after its server stopped"
			ka_log director1
		fi
		t0=$(now)
		web_fg rs1 1 80
		if took=$(wait_table director1 192.168.0.3:80 present 20); then
			pass "rs-return-$n" "$took s after rs1's server started again, rs1 is back in the table"
		else
			fail "rs-return-$n" "rs1 is not back 20 s after its server started"
		fi
		sleep 1
	done
	check_alternation alternation-after 6 fetch client "http://$VIP/test.html"
	;;
esac
ha_cleanup
