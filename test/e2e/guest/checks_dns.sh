#!/bin/sh
# checks_dns.sh HOST: answers the DNS query datagram on stdin (socat runs it for each one) with a
# header only: the query's id, QR set, and the rcode in $CHECKS/HOST-rcode (0, NOERROR, when
# absent; 2 is SERVFAIL). keepalived's DNS_CHECK reads the id, QR and the rcode, nothing more.
CHECKS=/tmp/lvsc-checks
id=$(dd bs=2 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
rcode=$(cat "$CHECKS/$1-rcode" 2>/dev/null || echo 0)
# one printf, so that the answer leaves in one write (socat sends each write as a datagram):
# id, flags QR|RD (0x81) and RA|rcode (0x80 + rcode), then zero counts
hi=$(printf '%03o' "0x${id%??}")
lo=$(printf '%03o' "0x${id#??}")
fl=$(printf '%03o' $((128 + rcode)))
# shellcheck disable=SC2059 # the format is the answer: octal escapes built above
printf "\\$hi\\$lo\\201\\$fl\\000\\000\\000\\000\\000\\000\\000\\000"
