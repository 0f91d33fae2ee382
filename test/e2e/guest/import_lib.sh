# import_lib.sh: the director an admin set up by hand, with plain ipvsadm and ip (not lvsc), for
# the two boots of the import acceptance (test/e2e/import.test.ts): import_capture.sh prints its
# table and addresses, import_plan.sh runs the rc script compiled from their import on it.
# Both build it with import_setup, so that the second boot's director is the first one's.
# Sourced after lib.sh (POSIX sh).

# hand CMD...: a command the admin types on the director; a failure is remembered
HAND_FAILED=""
hand() {
	note "vs1# $*"
	on vs1 "$@" || HAND_FAILED="$HAND_FAILED${HAND_FAILED:+; }$* (exit $?)"
}

# import_setup dr|nat|refused: the lab (lib.sh's dr_net or nat_net) and the director's cluster by hand
import_setup() {
	case $1 in
	dr)
		# the walkthrough's LAN: vs1 192.168.0.1 (the DIP, on eth0), rs1 .3, rs2 .4
		dr_net
		hand ip addr add 192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101
		# web: round robin over both real servers and the director itself (LocalNode);
		# rs2 given without a port (the service's), the director without one either
		hand ipvsadm -A -t 192.168.0.101:80 -s rr
		hand ipvsadm -a -t 192.168.0.101:80 -r 192.168.0.3:80 -g
		hand ipvsadm -a -t 192.168.0.101:80 -r 192.168.0.4 -g -w 1
		hand ipvsadm -a -t 192.168.0.101:80 -r 127.0.0.1 -g
		# https: persistent per client /24 for 10 minutes, weighted
		hand ipvsadm -A -t 192.168.0.101:443 -s wlc -p 600 -M 255.255.255.0
		hand ipvsadm -a -t 192.168.0.101:443 -r 192.168.0.3:443 -g -w 3
		hand ipvsadm -a -t 192.168.0.101:443 -r 192.168.0.4:443 -g -w 2
		# ftp: -p alone (ipvsadm's default timeout, 360 s)
		hand ipvsadm -A -t 192.168.0.101:21 -s lc -p
		hand ipvsadm -a -t 192.168.0.101:21 -r 192.168.0.3:21 -g
		# dns over udp
		hand ipvsadm -A -u 192.168.0.101:53 -s rr
		hand ipvsadm -a -u 192.168.0.101:53 -r 192.168.0.3:53 -g
		hand ipvsadm -a -u 192.168.0.101:53 -r 192.168.0.4:53 -g -w 5
		# every port of the VIP (port 0, persistent), source hashing
		hand ipvsadm -A -t 192.168.0.101:0 -s sh -p 300
		hand ipvsadm -a -t 192.168.0.101:0 -r 192.168.0.3 -g
		hand ipvsadm -a -t 192.168.0.101:0 -r 192.168.0.4 -g -w 2
		# a firewall-mark service (the firewall that marks is not the table's business)
		hand ipvsadm -A -f 1 -s wrr
		hand ipvsadm -a -f 1 -r 192.168.0.3 -g -w 4
		hand ipvsadm -a -f 1 -r 192.168.0.4 -g
		;;
	nat)
		# lib.sh's NAT lab: vs1 outside eth0 192.168.1.9 (router .254), inside eth1 10.1.1.1 (the DIP)
		nat_net
		hand ip addr add 192.168.1.110/24 brd 192.168.1.255 dev eth0 label eth0:110
		hand ip route add default via 192.168.1.254
		# what a NAT director needs, as the HOWTO has the admin set it
		hand sysctl -q -w net.ipv4.ip_forward=1
		hand sysctl -q -w net.ipv4.conf.all.send_redirects=0
		hand sysctl -q -w net.ipv4.conf.default.send_redirects=0
		hand sysctl -q -w net.ipv4.conf.eth1.send_redirects=0
		# web, weighted, with rs2's server on 8080 (a remap: NAT only)
		hand ipvsadm -A -t 192.168.1.110:80 -s wrr
		hand ipvsadm -a -t 192.168.1.110:80 -r 10.1.1.2:80 -m -w 2
		hand ipvsadm -a -t 192.168.1.110:80 -r 10.1.1.3:8080 -m
		# dns over udp, persistent for 2 minutes, one server remapped
		hand ipvsadm -A -u 192.168.1.110:53 -s rr -p 120
		hand ipvsadm -a -u 192.168.1.110:53 -r 10.1.1.2:53 -m
		hand ipvsadm -a -u 192.168.1.110:53 -r 10.1.1.3:5353 -m -w 3
		# an application port shared with the director itself (LocalNode, which is -g)
		hand ipvsadm -A -t 192.168.1.110:8000 -s sed
		hand ipvsadm -a -t 192.168.1.110:8000 -r 10.1.1.2:8000 -m
		hand ipvsadm -a -t 192.168.1.110:8000 -r 127.0.0.1:8000 -g
		# a firewall-mark service
		hand ipvsadm -A -f 2 -s lc
		hand ipvsadm -a -f 2 -r 10.1.1.2 -m
		;;
	refused)
		# what a conf cannot express (lvsc import must refuse it, at its token) or does not keep
		# (a warning): one-packet scheduling, scheduler flags, thresholds; and a quiesced server
		dr_net
		hand ip addr add 192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101
		hand ipvsadm -A -t 192.168.0.101:80 -s rr
		hand ipvsadm -a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -x 100 -y 10
		hand ipvsadm -a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 0
		hand ipvsadm -A -u 192.168.0.101:53 -s rr -o
		hand ipvsadm -a -u 192.168.0.101:53 -r 192.168.0.3:53 -g
		hand ipvsadm -A -t 192.168.0.101:22 -s sh -b sh-port
		hand ipvsadm -a -t 192.168.0.101:22 -r 192.168.0.3:22 -g
		;;
	*)
		fail hand-setup "unknown lab '$1'"
		return 1
		;;
	esac
	if [ -z "$HAND_FAILED" ]; then
		pass hand-setup "the $1 director set up by hand with ipvsadm and ip"
	else
		fail hand-setup "commands that failed: $HAND_FAILED"
	fi
}
