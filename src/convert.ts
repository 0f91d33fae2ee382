// A valid conf + its AST -> the same cluster as another forwarding method: the converted conf
// text (comments kept, every change marked) and diagnostics, at the source's lines, for what
// cannot be converted. Pure.

import type { ConfFile, Directive } from "./ast.js";
import { diag, type Diagnostic } from "./diagnostics.js";
import { TYPE_NAMES, type LvsConfig, type LvsType } from "./model.js";
import { familyOf, formatAddress, inPrefix, type Address } from "./net.js";

export interface Conversion {
  /** The converted conf, or undefined when the conversion cannot hold. */
  text: string | undefined;
  diagnostics: Diagnostic[];
}

const WHY: Record<LvsType, string> = {
  dr: "direct routing",
  nat: "network address translation",
  tun: "IP tunnelling",
};

/**
 * Converts `source` (which must have validated into `config`) to `target`. The result keeps the
 * source's lines and comments; each changed line is preceded by a `# lvsc:` comment saying why.
 */
export function convert(source: string, ast: ConfFile, config: LvsConfig, target: LvsType, origin: { file: string; version: string }): Conversion {
  if (config.type === target) return { text: source, diagnostics: [] };
  const out: Diagnostic[] = [];
  const from = TYPE_NAMES[config.type];
  const to = TYPE_NAMES[target];
  // a real server is on the DIP of its own family (a dual-stack conf has one per family)
  const dipOf = (a: Address) => config.dips.find((d) => familyOf(d.address) === familyOf(a)) ?? config.dip;

  // ---- what cannot be converted ----
  for (const s of config.services)
    for (const rs of s.realServers) {
      // only tunnelling may carry a packet to a real server of the other family
      if (target !== "tun" && !rs.localNode && familyOf(rs.address) !== familyOf(s.vip)) {
        out.push(
          diag("wrong-family", `${to} cannot send IPv${familyOf(s.vip)} service ${formatAddress(s.vip)} to IPv${familyOf(rs.address)} real server \`${rs.written}\``, rs.span, {
            hint: `${WHY[target]} keeps the packet's family (only tunnelling may mix families): give the real server's IPv${familyOf(s.vip)} address first`,
          }),
        );
        continue;
      }
      const expected = s.protocol === "fwmark" ? 0 : s.port;
      if (target !== "nat" && rs.port !== expected)
        out.push(
          diag(
            "port-remap-not-supported",
            s.protocol === "fwmark"
              ? `${to} cannot send firewall mark ${s.fwmark} to port ${rs.port}`
              : `${to} cannot send port ${s.port} to port ${rs.port} (\`${rs.written}\`)`,
            rs.span,
            { hint: `${WHY[target]} keeps the packet's port: make the real server listen on ${s.protocol === "fwmark" ? "the packets' own ports" : `port ${s.port}`} first` },
          ),
        );
      const own = dipOf(rs.address);
      if (target !== "tun" && !rs.localNode && !inPrefix(rs.address, own.network, own.prefix))
        out.push(
          diag(
            "realserver-outside-network",
            `real server \`${rs.written}\` (${formatAddress(rs.address)}) is outside the director's inside network ${formatAddress(own.address)}/${own.prefix}, which ${to} needs`,
            rs.span,
            { hint: target === "dr" ? "direct routing reaches real servers only on the director's LAN" : "VS_NAT real servers use the DIP as their gateway, so they must share its network" },
          ),
        );
    }

  const byName = new Map<string, Directive>();
  for (const d of ast.directives) byName.set(d.name.text === "SERVER_LVS_DEVICE" ? "SERVER_VIP_DEVICE" : d.name.text, d);
  // a dual-stack conf has a SERVER_DEFAULT_GW line per family
  const gwLines = ast.directives.filter((d) => d.name.text === "SERVER_DEFAULT_GW");
  const lineText = (d: Directive) => d.args.map((a) => a.text).join(" ");
  if (config.type === "nat" && target !== "nat")
    for (const gw of gwLines)
      out.push(
        diag(
          "gateway-removed",
          `\`SERVER_DEFAULT_GW=${lineText(gw)}\` (the DIP) is left out of the ${to} conf`,
          gw.span,
          { hint: `${to} real servers must not route through the director: add \`SERVER_DEFAULT_GW=<router>\` for their network` },
        ),
      );
  // N active directors: no NAT (the replies would have to return through N directors)
  const activeLine = byName.get("DIRECTOR_ACTIVE");
  if (config.active !== undefined && target === "nat" && activeLine !== undefined)
    out.push(
      diag("active-nat", `\`DIRECTOR_ACTIVE\` cannot be converted to ${to}`, activeLine.name.span, {
        hint: "under NAT the real servers' replies must return through the director that translated the request, and the router spreads flows over N directors: the cluster has a DR and a TUN form only",
      }),
    );
  if (out.some((d) => d.severity === "error")) return { text: undefined, diagnostics: out };

  // ---- the converted text: line edits, keyed by 1-based line ----
  const lines = source.split("\n");
  const eol = lines[0]?.endsWith("\r") === true ? "\r\n" : "\n";
  const edits = new Map<number, { replace: string | null; note: string[] }>();
  const edit = (d: Directive, replace: string | null, ...note: string[]) => edits.set(d.line, { replace, note });
  const appended: string[] = [];

  const type = byName.get("LVS_TYPE")!;
  edit(type, `LVS_TYPE=${to}`, `lvsc: converted from ${from}`);

  const vipDevice = byName.get("SERVER_VIP_DEVICE");
  const vipDeviceName = config.serverVipDevice?.name;
  if (target === "nat") {
    if (vipDevice !== undefined) edit(vipDevice, null, `lvsc: removed ${vipDevice.name.text}=${vipDeviceName}: under VS_NAT the real servers do not hold the VIP`);
  } else {
    // IPv6 in IPv6 arrives on ip6tnl0 (the ip6_tunnel module), IP in IP on tunl0 (ipip); a dual-stack conf holds both VIPs on ip6tnl0 (tunl0 is IPv4's): the script brings up both tunnels
    const six = config.vips.some((v) => familyOf(v.address) === 6);
    const dual = config.vips.length > 1;
    const tunnel = six ? "ip6tnl0" : "tunl0";
    const want = target === "tun" ? tunnel : vipDeviceName === undefined || vipDeviceName === "tunl0" || vipDeviceName === "ip6tnl0" ? "dummy0" : vipDeviceName;
    const why =
      target === "tun"
        ? dual
          ? "lvsc: VS_TUN real servers unwrap the director's IP-in-IP packets on tunl0 and its IPv6-in-IPv6 packets on ip6tnl0, and hold both VIPs on ip6tnl0"
          : six
            ? "lvsc: VS_TUN real servers unwrap the director's IPv6-in-IPv6 packets on ip6tnl0 and hold the VIP there"
            : "lvsc: VS_TUN real servers unwrap the director's IP-in-IP packets on tunl0 and hold the VIP there"
        : six
          ? "lvsc: VS_DR real servers hold the VIP on a device that faces no network, so it never answers neighbour solicitations"
          : "lvsc: VS_DR real servers hold the VIP on a device that faces no network, so it never answers ARP";
    if (vipDevice === undefined) appended.push(`# ${why}`, `SERVER_VIP_DEVICE=${want}`);
    else if (vipDeviceName !== want || vipDevice.name.text !== "SERVER_VIP_DEVICE") edit(vipDevice, `SERVER_VIP_DEVICE=${want}`, `${why} (was ${vipDeviceName})`);
  }

  if (target === "nat") {
    // the DIP of each family is that family's gateway
    const why = "lvsc: VS_NAT real servers must send replies back through the director: their gateway is the DIP";
    const gateways = [config.serverGateway, config.gateways2?.server];
    for (const d of config.dips) {
      const dip = formatAddress(d.address);
      const family = familyOf(d.address);
      // the model's gateway of this family, and the line it was read from (the validator gave each line its family)
      const now = gateways.find((g) => g !== undefined && familyOf(g.address) === family);
      const gw = now === undefined ? undefined : gwLines.find((l) => l.line === now.line);
      if (gw === undefined) appended.push(`# ${why}`, `SERVER_DEFAULT_GW=${dip}`);
      else if (now?.address !== d.address) edit(gw, `SERVER_DEFAULT_GW=${dip}`, `${why} (was ${lineText(gw)})`);
    }
  } else if (config.type === "nat") {
    for (const gw of gwLines)
      edit(gw, null, `lvsc: removed SERVER_DEFAULT_GW=${lineText(gw)} (the DIP): ${to} real servers must route through a router, not the director`);
  }

  const body: string[] = [];
  lines.forEach((raw, i) => {
    const e = edits.get(i + 1);
    if (e === undefined) {
      body.push(raw.replace(/\r$/, ""));
      return;
    }
    for (const n of e.note) body.push(`# ${n}`);
    if (e.replace !== null) body.push(e.replace);
  });
  if (body.length > 0 && body[body.length - 1] === "") body.pop();
  const header = [
    `# ${origin.file.split(/[\\/]/).pop()} converted from ${from} to ${to} by lvsc ${origin.version}; each change is marked "lvsc:".`,
  ];
  const text = [...header, ...body, ...appended].join(eol) + eol;
  return { text, diagnostics: out };
}
