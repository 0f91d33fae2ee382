#!/usr/bin/env python3
"""Writes test/fixtures/ipv6-glibc.tsv: IPv6 texts and what glibc's inet_pton/inet_ntop make of
them (Python's socket module calls the C library's own functions). test/net6.test.ts holds
lvsc's parseIPv6/formatIPv6 to these lines. Deterministic: run it again, get the same file.

    python3 scripts/ipv6-glibc-fixture.py > test/fixtures/ipv6-glibc.tsv
"""
import random
import socket

rng = random.Random(20261202)
cases = []

def word():
    r = rng.random()
    if r < 0.45:
        return 0
    if r < 0.55:
        return 0xFFFF
    if r < 0.65:
        return rng.randrange(1, 16)
    return rng.randrange(0, 0x10000)

def text_variants(words):
    """The canonical text plus hand-written forms of the same address."""
    packed = b"".join(w.to_bytes(2, "big") for w in words)
    canon = socket.inet_ntop(socket.AF_INET6, packed)
    out = [canon, canon.upper()]
    out.append(":".join("%04x" % w for w in words))            # full, leading zeros
    out.append(":".join("%X" % w for w in words))              # full, upper case
    # the dotted tail for any address
    v4 = ".".join(str(b) for b in packed[12:])
    out.append(":".join("%x" % w for w in words[:6]) + ":" + v4)
    # a :: at a random zero run that is not the longest one
    zeros = [i for i, w in enumerate(words) if w == 0]
    if zeros:
        i = rng.choice(zeros)
        j = i
        while j + 1 < 8 and words[j + 1] == 0 and rng.random() < 0.7:
            j += 1
        left = ":".join("%x" % w for w in words[:i])
        right = ":".join("%x" % w for w in words[j + 1:])
        out.append(left + "::" + right)
    return out

for _ in range(600):
    words = [word() for _ in range(8)]
    cases.extend(text_variants(words))
# the special shapes glibc prints with a dotted tail, and their neighbours
for prefix in ([0] * 5 + [0xFFFF], [0] * 6, [0] * 5 + [0xFFFE], [0] * 4 + [1, 0xFFFF], [0] * 5 + [1]):
    for tail in ([0, 0], [0, 1], [1, 0], [0xC000, 0x0201], [0xFFFF, 0xFFFF]):
        cases.extend(text_variants(prefix + tail))
# malformed and hostile text
cases += [
    "", ":", "::", ":::", "::::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "12345::", "1:", ":1", "1::2:", ":1::2",
    "fe80::1%eth0", "fe80::1%", "[::1]", "[::1]:80", "2001:db8::1:80", "g::1", "::ffff:1.2.3.4",
    "::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:01.2.3.4", "::ffff:256.2.3.4", "::1.2.3.4:5",
    "1.2.3.4::", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1a.2.3.4",
    "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "0:0:0:0:0:0:0:0", "0::0", "::0:0",
    "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1", "0:0:1:0:0:1:0:0", "1:0:1:0:1:0:1:0", "::ffff:0:0",
    " ::1", "::1 ", "::1\n", "::1;reboot", "$(id)::1", "::1`id`", "0" * 5 + "::", "a" * 60, "::" + "0" * 4,
    "0:" * 7 + "0", "ffff:" * 7 + "ffff", "FFFF:" * 7 + "FFFF", "1:2:3:4:5:6:7:0008",
]
seen = set()
print("# input\tglibc inet_ntop(inet_pton(input)), or ! when inet_pton refuses it; from scripts/ipv6-glibc-fixture.py")
for c in cases:
    if c in seen or "\t" in c:
        continue
    seen.add(c)
    try:
        out = socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, c))
    except (OSError, ValueError):
        out = "!"
    print(c.encode("unicode_escape").decode("ascii") + "\t" + out)
