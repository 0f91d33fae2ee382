// N active directors: DIRECTOR_ACTIVE, BGP_LOCAL_AS, BGP_PEER, BGP_BFD, BGP_BFD_TIMERS (lvsc extensions).

import type { Directive, Field } from "../ast.js";
import { parseBfdTimers, type BfdTimers } from "../bfd-timers.js";
import type { Code, Span } from "../diagnostics.js";
import { DIRECTIVES } from "../directives.js";
import type { ActiveDirectors, Gateway, LvsType } from "../model.js";
import { formatAddress, inPrefix, type IPv4 } from "../net.js";
import { printable } from "../text.js";
import { hostOn, readIPv4Only } from "./address.js";
import type { Context, Located, LocatedDip, LocatedVip, Lookup, ParsedService } from "./context.js";
import { mhChecks } from "./mh.js";
import { readOnOff } from "./values.js";

/** DIRECTOR_ACTIVE and its BGP lines; the model of N active directors, or undefined (reported, or not asked for). */
export function validateActive(
  ctx: Context,
  ok: Lookup,
  present: Lookup,
  peerLines: Directive[],
  type: LvsType | undefined,
  vip: LocatedVip | undefined,
  dip: LocatedDip | undefined,
  serverGateway: Located<Gateway> | undefined,
  services: ParsedService[],
): ActiveDirectors | undefined {
  const d = present("DIRECTOR_ACTIVE");
  const localAsLine = present("BGP_LOCAL_AS");
  const bfdLine = present("BGP_BFD");
  const timersLine = present("BGP_BFD_TIMERS");
  if (d === undefined) {
    for (const other of [localAsLine, bfdLine, timersLine, peerLines[0]])
      if (other !== undefined)
        ctx.report(
          "unused-directive",
          `\`${other.name.text}\` has no effect without \`DIRECTOR_ACTIVE\`: only active directors announce the VIP by BGP`,
          other.name.span,
          "remove the line, or name the directors with `DIRECTOR_ACTIVE=<director1> <director2> ...`",
        );
    // mh checks that hold for a single director or a pair too
    for (const s of services) mhChecks(ctx, s, false);
    return undefined;
  }
  let errors = false;
  const err = (code: Code, message: string, span: Span, hint: string, related?: { message: string; span: Span }[]) => {
    ctx.report(code, message, span, hint, related);
    errors = true;
  };
  if (type === "nat")
    err(
      "active-nat",
      "`DIRECTOR_ACTIVE` cannot build a `VS_NAT` cluster",
      d.name.span,
      "under NAT the real servers' replies must return through the director that translated the request, and the router spreads flows over N directors: use `LVS_TYPE=VS_DR` (or `VS_TUN`), or `DIRECTOR_PAIR` for two NAT directors",
    );
  const pairLine = present("DIRECTOR_PAIR");
  if (pairLine !== undefined)
    err(
      "active-with-pair",
      "`DIRECTOR_ACTIVE` and `DIRECTOR_PAIR` in one conf",
      d.name.span,
      "a pair has one active director at a time (keepalived moves the VIP); `DIRECTOR_ACTIVE` has all of them active behind an ECMP router: keep one of the two lines",
      [{ message: "DIRECTOR_PAIR given here", span: pairLine.name.span }],
    );
  const directors: { address: IPv4; written: string; span: Span }[] = [];
  if (!d.broken) {
    if (d.args.length < 2)
      err(
        "active-too-few",
        d.args.length === 0 ? "`DIRECTOR_ACTIVE` has no value" : "`DIRECTOR_ACTIVE` names one director",
        d.args.length === 0 ? d.span : d.args[0]!.span,
        "name two or more, each by its own address (or host name) on the DIP's network, e.g. `DIRECTOR_ACTIVE=director1 director2 director3`; for one director leave the line out",
      );
    for (const field of d.args) {
      const address = readIPv4Only(ctx, field, "active director's own address", "N active directors are IPv4 only so far");
      if (address === undefined) {
        errors = true;
        continue;
      }
      const first = directors.find((o) => o.address === address);
      if (first !== undefined) {
        err(
          "director-address-conflict",
          first.written === field.text ? `director \`${field.text}\` is given twice` : `\`${first.written}\` and \`${field.text}\` are the same director (${formatAddress(address)})`,
          field.span,
          "name each director once",
          [{ message: "first given here", span: first.span }],
        );
        continue;
      }
      directors.push({ address, written: field.text, span: field.span });
    }
  }
  const own = "each director needs an address of its own: its BGP router id and the router's next hop to it";
  for (const who of directors) {
    const name = who.written === formatAddress(who.address) ? `director ${who.written}` : `director \`${who.written}\` (${formatAddress(who.address)})`;
    if (vip !== undefined && who.address === vip.value.address) err("director-address-conflict", `${name} is the VIP`, who.span, own, [{ message: "VIP given here", span: vip.addressSpan }]);
    else if (dip !== undefined && who.address === dip.value.address)
      err("director-address-conflict", `${name} is the DIP`, who.span, `${own}; with \`DIRECTOR_ACTIVE\` no host holds the DIP: \`DIRECTOR_INSIDEIP\` gives the directors' device and network`, [
        { message: "DIP given here", span: dip.addressSpan },
      ]);
    else if (dip !== undefined && !hostOn(who.address, dip.value))
      err("director-outside-network", `${name} is not a host on the DIP's network ${formatAddress(dip.value.network)}/${dip.value.prefix}`, who.span, `give each director's own address on the DIP's network: DR forwards to the real servers on that LAN, and the router reaches the directors there`);
    if (serverGateway !== undefined && who.address === serverGateway.value.address)
      err("director-address-conflict", `${name} is the real servers' default gateway`, who.span, "the real servers' replies go to the router (`SERVER_DEFAULT_GW`), never to a director", [
        { message: "SERVER_DEFAULT_GW given here", span: serverGateway.span },
      ]);
    const rs = services.flatMap((s) => s.value.realServers).find((r) => r.address === who.address);
    if (rs !== undefined) err("director-address-conflict", `${name} is also a real server (\`${rs.written}\`)`, who.span, `${own}; to let the directors serve too, list \`127.0.0.1\` (LocalNode)`, [{ message: "real server listed here", span: rs.span }]);
  }
  // the directors' AS
  let localAs: number | undefined;
  const lasDirective = ok("BGP_LOCAL_AS");
  if (localAsLine === undefined)
    err("missing-directive", "`DIRECTOR_ACTIVE` needs `BGP_LOCAL_AS`: the directors' AS number", d.name.span, "add e.g. `BGP_LOCAL_AS=65010` (a private AS: 64512..65534 or 4200000000..4294967294)");
  else if (lasDirective !== undefined) {
    const f = ctx.fields(lasDirective)?.[0];
    if (f === undefined) errors = true;
    else {
      localAs = readAsNumber(ctx, f);
      if (localAs === undefined) errors = true;
    }
  }
  // the routers
  const peers: { address: IPv4; as: number; span: Span }[] = [];
  if (peerLines.length === 0)
    err("missing-directive", "`DIRECTOR_ACTIVE` needs a `BGP_PEER`: a router the directors announce the VIP to", d.name.span, `add a line per router, e.g. \`${DIRECTIVES["BGP_PEER"]!.example}\` (its address on the DIP's network, its AS)`);
  for (const line of peerLines) {
    if (line.broken) {
      errors = true;
      continue;
    }
    const f = ctx.fields(line);
    if (f === undefined) {
      errors = true;
      continue;
    }
    const address = readIPv4Only(ctx, f[0]!, "BGP peer", "lvsc's BGP sessions are IPv4 only so far");
    const as = readAsNumber(ctx, f[1]!);
    if (address === undefined || as === undefined) {
      errors = true;
      continue;
    }
    const span = f[0]!.span;
    if (localAs !== undefined && as === localAs)
      err(
        "invalid-bgp-as",
        `BGP peer ${formatAddress(address)} is in the directors' own AS ${as}`,
        f[1]!.span,
        "lvsc writes eBGP sessions (the router learns the directors as next hops directly): give the directors an AS of their own in `BGP_LOCAL_AS`, e.g. 65010",
      );
    const first = peers.find((p) => p.address === address);
    if (first !== undefined) {
      err("duplicate-directive", `BGP peer ${formatAddress(address)} is given twice`, span, "give each router once", [{ message: "first given here", span: first.span }]);
      continue;
    }
    if (dip !== undefined && !hostOn(address, dip.value))
      err(
        "bgp-peer-outside-network",
        `BGP peer ${formatAddress(address)} is not on the DIP's network ${formatAddress(dip.value.network)}/${dip.value.prefix}`,
        span,
        "the directors announce the VIP with themselves as the next hop, which the router must reach directly: give the router's address on the directors' LAN",
      );
    const who = directors.find((x) => x.address === address);
    if (who !== undefined) err("director-address-conflict", `BGP peer ${formatAddress(address)} is the director \`${who.written}\``, span, "a director announces the VIP to a router, not to itself or another director", [{ message: "director given here", span: who.span }]);
    if (vip !== undefined && address === vip.value.address) err("director-address-conflict", `BGP peer ${formatAddress(address)} is the VIP`, span, "give the router's own address", [{ message: "VIP given here", span: vip.addressSpan }]);
    peers.push({ address, as, span });
  }
  const bfd = readOnOff(ctx, ok("BGP_BFD"), "invalid-bgp-bfd", "BGP_BFD", "`on` (the default): BFD finds a dead director in 0.9 s; `off`: the BGP hold time (BIRD's default 240 s) does");
  if (bfdLine !== undefined && bfd === undefined) errors = true;
  // BFD's timers (src/bfd-timers.ts)
  let bfdTimers: BfdTimers | undefined;
  const timers = ok("BGP_BFD_TIMERS");
  const tf = timers !== undefined ? ctx.fields(timers) : undefined;
  if (timers !== undefined && tf === undefined) errors = true;
  if (timers !== undefined && tf !== undefined) {
    const r = parseBfdTimers(tf[0]!.text, tf[1]!.text);
    for (const p of r.problems) err(p.code, p.message, tf[p.field]!.span, p.hint);
    bfdTimers = r.timers;
    if (bfd === false) ctx.report("unused-directive", "`BGP_BFD_TIMERS` has no effect with `BGP_BFD=off`", timers.name.span, "remove the line, or turn BFD on with `BGP_BFD=on`");
  }
  // the VIP on the directors: a /32 on a device that faces no network
  if (vip !== undefined && typeof vip.value.address === "bigint")
    err("ipv6-unsupported", "`DIRECTOR_ACTIVE` (N active directors) is IPv4 only so far", vip.addressSpan, "lvsc's BGP sessions and routes are IPv4: give the cluster an IPv4 VIP, or use a pair (`DIRECTOR_PAIR`) for IPv6");
  else if (vip !== undefined) {
    const dev = vip.value.device.device;
    if (!/^(dummy|lo$)/.test(dev) || vip.value.prefix !== 32)
      err(
        "active-vip-device",
        !/^(dummy|lo$)/.test(dev) ? `with \`DIRECTOR_ACTIVE\` the VIP must not be on \`${vip.value.device.name}\`, a device that faces a network` : `with \`DIRECTOR_ACTIVE\` the VIP must be a /32, not /${vip.value.prefix}`,
        vip.span,
        `every director holds the VIP at once, so none may answer ARP for it and none may route a VIP network to itself: write e.g. \`VIP=dummy0 ${formatAddress(vip.value.address)}/32\` (the router reaches it through the BGP routes)`,
      );
    if (dip !== undefined && inPrefix(vip.value.address, dip.value.network, dip.value.prefix))
      ctx.report(
        "active-vip-on-lan",
        `the VIP ${formatAddress(vip.value.address)} is inside the directors' LAN ${formatAddress(dip.value.network)}/${dip.value.prefix}`,
        vip.addressSpan,
        "the router and the real servers ARP for an address of a LAN they are on, and no director answers (ARP is hidden on all of them): take the VIP from a prefix no LAN carries, reached only through the BGP routes",
      );
  }
  for (const s of services) mhChecks(ctx, s, directors.length > 1);
  if (errors || localAs === undefined || directors.length < 2) return undefined;
  return { directors, localAs, peers, bfd: bfd ?? true, ...(bfdTimers !== undefined ? { bfdTimers } : {}) };
}

/** An AS number: 1..4294967295 but AS_TRANS (23456) and the last of each range (65535, 4294967295, RFC 7300). */
export function readAsNumber(ctx: Context, f: Field): number | undefined {
  const n = /^\d{1,10}$/.test(f.text) && !(f.text.length > 1 && f.text[0] === "0") ? Number(f.text) : NaN;
  const reserved: Record<number, string> = {
    0: "AS 0 is reserved (RFC 7607): BGP refuses it",
    23456: "AS 23456 is AS_TRANS (RFC 6793), which stands in for 4-byte AS numbers on 2-byte speakers, never a real AS",
    65535: "AS 65535 is reserved (RFC 7300)",
    4294967295: "AS 4294967295 is reserved (RFC 7300)",
  };
  if (n >= 0 && n <= 4294967295 && reserved[n] === undefined) return n;
  ctx.report(
    "invalid-bgp-as",
    `\`${printable(f.text)}\` is not a usable AS number`,
    f.span,
    `${reserved[n] !== undefined ? `${reserved[n]}; ` : "an AS number is a whole number from 1 to 4294967294 (4 bytes); "}private ones are 64512..65534 and 4200000000..4294967294`,
  );
  return undefined;
}
