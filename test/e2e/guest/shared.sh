#!/bin/sh
# Two clusters on one set of hosts: cluster A (the scenario's conf) and cluster B (the same
# cluster on a second VIP, $DIR/b/) share the director and the real servers. They start at
# the same time (two units at boot), one stops, then the other.
# MODE: dr (the walkthrough's LAN), nat or tun (their topologies).
. /lvs/lib.sh
MODE=$(cat "$DIR/mode")
RC_B=$(ls "$DIR"/b/rc.lvs_*)

case $MODE in
dr)
	dr_net
	VIP=192.168.0.101 VIP_B=192.168.0.102
	;;
nat)
	nat_net
	web rs1 1
	web rs2 2 8080
	VIP=192.168.1.110 VIP_B=192.168.1.111
	;;
tun)
	tun_net
	VIP=192.168.1.110 VIP_B=192.168.1.111
	;;
esac
snapshot vs1 rs1 rs2 >"$STATE/before-start"

# both at once on every host: the lock makes them take turns
for h in vs1 rs1 rs2; do
	lvs "$h" start &
	lvs_rc "$RC_B" "$h" start &
done
wait
check_alternation alternation 6 fetch client "http://$VIP/test.html"
check_alternation alternation-b 6 fetch client "http://$VIP_B/test.html"

for h in vs1 rs1 rs2; do lvs "$h" stop; done
check_alternation alternation-b-after-a-stopped 6 fetch client "http://$VIP_B/test.html"
case $MODE in
dr) check_arp_as arp-b-after-a-stopped client eth0 "$VIP_B" vs1 eth0 ;;
tun) check_arp_as arp-b-after-a-stopped router eth1 "$VIP_B" vs1 eth0 ;;
nat)
	check "forwarding-kept" "the director still forwards for cluster B: ip_forward=1" [ "$(on vs1 sysctl -n net.ipv4.ip_forward)" = 1 ]
	s=0
	lvs_rc "$RC_B" vs1 status >/dev/null || s=$?
	check status-b "cluster B's status on the director exits 0 (it exited $s)" [ "$s" = 0 ]
	# someone turns forwarding off: B's status must say so
	on vs1 sysctl -q -w net.ipv4.ip_forward=0
	s=0
	out=$(lvs_rc "$RC_B" vs1 status) || s=$?
	check status-sees-forwarding "status exits 3 naming ip_forward when forwarding is off (it exited $s)" contains "$s $out" "3 " "differs  sysctl net.ipv4.ip_forward: 0 -> 1"
	on vs1 sysctl -q -w net.ipv4.ip_forward=1
	;;
esac

for h in vs1 rs1 rs2; do lvs_rc "$RC_B" "$h" stop; done
snapshot vs1 rs1 rs2 >"$STATE/after-stop"
check_same restored "$STATE/before-start" "$STATE/after-stop" "both stopped: every address, link, route, sysctl and IPVS entry as before"
teardown
