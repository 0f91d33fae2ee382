#!/bin/sh
# Boot 2 of the import acceptance: the same director set up by hand again (import_lib.sh), and
# the rc script that `lvsc compile` wrote from `lvsc import` of boot 1's table, run on it as the
# admin would (`sh rc.lvs_<type> plan`): nothing to change. `status` agrees.
# LAB (in $DIR/lab): dr or nat. CONTROL (in $DIR/control), a negative control: none, or a hand
# change after the set-up that plan must then name: weight (dr: ipvsadm -e) or server (nat: ipvsadm -a).
. /lvs/lib.sh
. /lvs/import_lib.sh
LAB=$(cat "$DIR/lab")
CONTROL=$(cat "$DIR/control")

import_setup "$LAB"
case $LAB in
dr) VIP=192.168.0.101 ;;
nat) VIP=192.168.1.110 ;;
esac
case $LAB-$CONTROL in
*-none) undo="" ;;
dr-weight)
	hand ipvsadm -e -t "$VIP:443" -r 192.168.0.3:443 -g -w 7
	undo="-e -t $VIP:443 -r 192.168.0.3:443 -g -w 3"
	;;
nat-server)
	hand ipvsadm -a -t "$VIP:80" -r 10.1.1.4:80 -m -w 1
	undo="-d -t $VIP:80 -r 10.1.1.4:80"
	;;
*)
	fail control "no control '$CONTROL' for the $LAB lab"
	exit 0
	;;
esac
[ -z "$undo" ] || check control-made "the negative control's hand change was made" [ -z "$HAND_FAILED" ]
# the compiled table beside the live one, for the record (ipvsadm.rules is what start makes)
check_rules vs1
snapshot vs1 >"$STATE/before-plan"

s=0
out=$(lvs vs1 plan) || s=$?
printf '%s\n' "$out" | sed "s/^/[$SCEN] plan: /"
case $out in *"ipvsadm -R"*) batch=yes ;; *) batch=no ;; esac
if [ "$s $batch" = "0 no" ] && contains "$out" "nothing to change"; then
	pass plan-nothing "plan on the hand-made director exits 0: nothing to change"
else
	fail plan-nothing "plan on the hand-made director exits $s, and says: $(printf '%s\n' "$out" | sed 1d | tr '\n' '|')"
fi
snapshot vs1 >"$STATE/after-plan"
check_same plan-changes-nothing "$STATE/before-plan" "$STATE/after-plan" "plan changes no address, route, sysctl or IPVS entry"
check plan-writes-no-state "plan writes no state" [ ! -e "$STATE_BASE/$SCEN/vs1" ]

s=0
out=$(lvs vs1 status) || s=$?
printf '%s\n' "$out" | sed "s/^/[$SCEN] status: /"
if [ "$s" = 0 ] && contains "$out" "everything start sets is in place"; then
	pass status "status on the hand-made director exits 0: everything start sets is in place"
else
	fail status "status exits $s: $(printf '%s\n' "$out" | grep -v '^  ok ' | tr '\n' '|')"
fi

if [ -n "$undo" ]; then
	s=0
	out=$(lvs vs1 plan) || s=$?
	body=$(printf '%s\n' "$out" | sed 1d | tr '\n' '|')
	check plan-names-drift "after the hand change, plan exits 3 and shows exactly the line that undoes it (exit $s: $body)" \
		[ "$s $body" = "3   ipvsadm -R, 1 line(s):|    $undo|rc.lvs_$LAB: 1 change(s) pending: 'rc.lvs_$LAB start' makes them|" ]
fi
teardown
