#!/bin/sh
# The walkthrough's cluster: one switched LAN, 192.168.0.0/24, with the client (.200), the
# director vs1 (.1, VIP .101 on eth0:101) and the real servers rs1 (.3) and rs2 (.4).
# MODE (in $DIR/mode): http (the walkthrough), udp, wrr (weights 3:1), off (INITIAL_STATE=off),
# routing (a director that also routes: ip_forward=1, and an interface that does not forward).
. /lvs/lib.sh
MODE=$(cat "$DIR/mode")
VIP=192.168.0.101

dr_net
hand_made vs1
[ "$MODE" = http ] && preflight vs1
if [ "$MODE" = routing ]; then
	on vs1 sysctl -q -w net.ipv4.ip_forward=1
	# a write of ip_forward (even of 1) would turn forwarding on for every interface again
	on vs1 ip link add canary type dummy
	on vs1 sysctl -q -w net.ipv4.conf.canary.forwarding=0
fi
snapshot vs1 rs1 rs2 >"$STATE/before-start"

for h in vs1 rs1 rs2; do lvs "$h" start; done
check_rules vs1

case $MODE in
http | routing)
	check_alternation alternation 6 fetch client "http://$VIP/test.html"
	[ "$MODE" = http ] && check_alternation alternation-telnet 4 fetch client "http://$VIP:23/test.html"
	check_method vs1 "$VIP:80" bypass
	;;
udp)
	udp_echo rs1 "$VIP" 53 1
	udp_echo rs2 "$VIP" 53 2
	sleep 1
	check_alternation alternation 6 udp client "$VIP" 53
	check_method vs1 "$VIP:53" bypass
	;;
wrr)
	check_split client "http://$VIP/test.html" 8 6 2
	;;
off)
	page=$(fetch client "http://$VIP/test.html")
	if [ -z "$page" ]; then pass no-real-servers "no real server answers before the monitor adds one"; else fail no-real-servers "got '$page' with no real server"; fi
	# what mon's "up" alert does
	on vs1 ipvsadm -a -t "$VIP:80" -r 192.168.0.3:80 -g -w 1
	page=$(fetch client "http://$VIP/test.html")
	if [ "$page" = "real server #1" ]; then pass monitor-adds "a real server added by hand serves"; else fail monitor-adds "got '${page:-nothing}'"; fi
	lvs vs1 start >/dev/null
	if on vs1 ipvsadm -S -n | grep -q -- "-r 192.168.0.3:80 "; then
		pass monitor-owns "start leaves the real servers a monitor added"
	else
		fail monitor-owns "start removed the real server a monitor added"
	fi
	on vs1 ipvsadm -d -t "$VIP:80" -r 192.168.0.3:80
	;;
esac
if [ "$MODE" = routing ]; then
	fwd="ip_forward=$(on vs1 sysctl -n net.ipv4.ip_forward), canary forwarding=$(on vs1 sysctl -n net.ipv4.conf.canary.forwarding)"
	if [ "$fwd" = "ip_forward=1, canary forwarding=0" ]; then
		pass forwarding-kept "the routing director still forwards, and ip_forward was never written ($fwd)"
	else
		fail forwarding-kept "after start: $fwd (wanted ip_forward=1, canary forwarding=0)"
	fi
fi

check_arp client eth0 "$VIP" vs1 eth0
finish_checks
