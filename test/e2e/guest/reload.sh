#!/bin/sh
# A reload (systemctl reload: start again) after the conf changed, on the walkthrough's LAN.
# MODE vip: the new conf ($DIR/next/) moves the cluster to the VIP 192.168.0.102: nothing of
# .101 may be left behind. MODE weight: the new conf changes the weight of one real server
# on port 7000 ($DIR/next-rs1/, $DIR/next-rs2/); an established connection to the other one
# must survive. MODE mh: the new conf ($DIR/next/) adds a real server before the two of an mh
# service on port 7001: the kernel must then hold its real servers in a fresh start's order
# (mh builds its table from that order, and every director of a cluster must build the same),
# and an established connection must survive its real server being deleted and added again.
. /lvs/lib.sh
MODE=$(cat "$DIR/mode")
VIP=192.168.0.101

# open_conn PORT: echo servers on rs1 and rs2 at PORT, and one connection to VIP:PORT kept open
# (the client reads its lines from a fifo on fd 7); sets first (its answer) and n (1 or 2)
open_conn() {
	for n in 1 2; do
		# shellcheck disable=SC2016 # a script for the real server's shell
		printf '#!/bin/sh\nwhile read -r line; do echo "real server #%s $line"; done\n' "$n" >"/srv/$SCEN-echo$n.sh"
		on "rs$n" socat TCP4-LISTEN:"$1",reuseaddr,fork "EXEC:/bin/sh /srv/$SCEN-echo$n.sh" </dev/null >/dev/null 2>&1 &
	done
	sleep 1
	mkfifo "$STATE/conn.in"
	on client socat -t 5 - "TCP4:$VIP:$1" <"$STATE/conn.in" >"$STATE/conn.out" 2>&1 &
	client=$!
	exec 7>"$STATE/conn.in"
	echo first >&7
	for _ in $(seq 20); do [ -s "$STATE/conn.out" ] && break; sleep 0.5; done
	first=$(cat "$STATE/conn.out")
	note "connection: $first"
	n=$(printf '%s\n' "$first" | sed -n 's/^real server #\([12]\) first$/\1/p')
	check connected "a connection to $VIP:$1 is answered by a real server (${first:-nothing})" [ -n "$n" ]
}

# conn_survives WHAT: the connection open_conn made still answers, from the same real server
conn_survives() {
	echo second >&7
	for _ in $(seq 20); do [ "$(wc -l <"$STATE/conn.out")" -ge 2 ] && break; sleep 0.5; done
	second=$(sed -n 2p "$STATE/conn.out")
	check connection-survives "the established connection$1 still answers (${second:-nothing})" [ "$second" = "real server #${n:-?} second" ]
	exec 7>&-
	wait "$client" 2>/dev/null
}

dr_net
hand_made vs1
snapshot vs1 rs1 rs2 >"$STATE/before-start"
for h in vs1 rs1 rs2; do lvs "$h" start; done
check_alternation alternation 6 fetch client "http://$VIP/test.html"

case $MODE in
vip)
	cp "$DIR/next/rc.lvs_dr" "$RC"
	for h in vs1 rs1 rs2; do lvs "$h" start; done
	left=""
	for h in vs1 rs1 rs2; do
		if has_addr_on "$h" 192.168.0.101; then left="$left $h:address"; fi
		if [ -e "$STATE_BASE/$SCEN/$h/rc.lvs_dr-192.168.0.101" ]; then left="$left $h:state"; fi
	done
	if on vs1 ipvsadm -S -n | grep -q 192.168.0.101; then left="$left vs1:services"; fi
	check no-orphan "nothing of the old VIP 192.168.0.101 is left (${left:-none})" [ -z "$left" ]
	VIP=192.168.0.102
	check_alternation alternation-after-reload 6 fetch client "http://$VIP/test.html"
	check_arp client eth0 "$VIP" vs1 eth0
	finish_checks
	;;
mh)
	# the kernel's order of the 7001 real servers (ipvsadm -L -n --nosort: newest first)
	mh_order() {
		on vs1 ipvsadm -L -n --nosort | awk '/^TCP  192\.168\.0\.101:7001 / { s = 1; next } /^[A-Z]/ { s = 0 } s && $1 == "->" { printf "%s ", $2 }'
	}
	# a fresh start's order: the compiled rules' order, reversed
	want=$(awk '$1 == "-a" && $3 == "192.168.0.101:7001" { a[++n] = $5 } END { for (i = n; i > 0; i--) printf "%s ", a[i] }' "$DIR/next/ipvsadm.rules")
	open_conn 7001
	note "before the reload: $(mh_order)"
	cp "$DIR/next/rc.lvs_dr" "$RC"
	out=$(lvs vs1 start)
	printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
	for h in rs1 rs2; do lvs "$h" start; done
	got=$(mh_order)
	check mh-order-after-reload "after a reload that adds 192.168.0.2:7001 before the two others, the kernel holds the mh real servers in a fresh start's order (${got:-none}; fresh: $want)" [ "$got" = "$want" ]
	conn_survives ", whose real server the reload deleted and added again,"
	check_alternation alternation-after-reload 6 fetch client "http://$VIP/test.html"
	lvs vs1 stop >/dev/null
	lvs vs1 start >/dev/null
	fresh=$(mh_order)
	check mh-order-fresh "a fresh start with the new conf holds them in that order too (${fresh:-none})" [ "$fresh" = "$want" ]
	finish_checks
	;;
weight)
	open_conn 7000
	other=$((3 - ${n:-2}))
	cp "$DIR/next-rs${other:-1}/rc.lvs_dr" "$RC"
	out=$(lvs vs1 start)
	printf '%s\n' "$out" | sed "s/^/[$SCEN] /"
	for h in rs1 rs2; do lvs "$h" start; done
	check one-edit "the reload changes one weight with one ipvsadm -e" contains "$out" "IPVS: 1 change(s):" "ipvsadm -e -t $VIP:7000 -r 192.168.0.$((2 + ${other:-1})):7000 -g -w 3"
	conn_survives " after the reload"
	weights=$(on vs1 ipvsadm -S -n | grep ":7000 -r" | tr '\n' ';')
	check weight-changed "the other real server has its new weight ($weights)" contains "$weights" "-r 192.168.0.$((2 + ${other:-1})):7000 -g -w 3"
	finish_checks
	;;
esac
