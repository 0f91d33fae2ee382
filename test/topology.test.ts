// `lvsc show --format svg|dot|mermaid|json` and `compile --target topology`: the cluster drawn by a
// real layout engine (Graphviz, WebAssembly), rendered by a real renderer (resvg), and the model
// as JSON checked against the schema the package ships.
import { Resvg } from "@resvg/resvg-js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { renderSvg } from "../src/svg.js";
import { show } from "../src/show.js";
import { DETAIL_LIMITS, SUMMARY_LIMITS, topology, toDot, toMermaid } from "../src/topology.js";
import type { LvsConfig } from "../src/index.js";
import { formatAddress } from "../src/net.js";
import { conf, EXAMPLE_CONFS, HA_CONFS, EXAMPLES, lintText, readExample, ROOT, ACTIVE_CONF } from "./helpers.js";
import { needTool } from "./tools.js";

function model(text: string, file = "lvs_dr.conf"): LvsConfig {
  const r = lintText(text, { file });
  if (r.config === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

/** A DR cluster of `services` x `realServers`, each service with its own real servers (as scripts/bench.ts makes it). */
function generated(services: number, realServers: number): string {
  const lines = ["LVS_TYPE=VS_DR", "INITIAL_STATE=on", "VIP=eth0:101 10.0.0.1 255.0.0.0 10.255.255.255", "DIRECTOR_INSIDEIP=eth0 10.0.0.2 10.0.0.0 255.0.0.0 10.255.255.255"];
  for (let i = 0; i < services; i++) {
    const rs = Array.from({ length: realServers }, (_, j) => `10.${1 + ((i >> 8) % 250)}.${i & 255}.${10 + j},${1 + j}`);
    lines.push(`SERVICE=t ${1 + i} wrr ppc -t 600 ${rs.join(" ")}`);
  }
  return [...lines, "SERVER_VIP_DEVICE=dummy0", "SERVER_NET_DEVICE=eth0", ""].join("\n");
}

// every kind of thing the picture must show: a firewall mark, every-port persistence with a
// mask, UDP, LocalNode, INITIAL_STATE=off, a gateway for the real servers
const KITCHEN_SINK = conf({ 2: "INITIAL_STATE=off", 5: "SERVICE=f 7 wrr ppc -t 600 rs1,3 rs2", 6: "SERVICE=u domain sh rs1 rs2 127.0.0.1" }, [
  "SERVICE=t 0 wlc ppc -M 255.255.255.0 rs1",
  "SERVER_DEFAULT_GW=192.168.0.254",
]);

const CASES: [string, string, string][] = [
  ...[...EXAMPLE_CONFS, ...HA_CONFS, ACTIVE_CONF].map((c) => [c, readExample(c), c] as [string, string, string]),
  ["every kind of service", KITCHEN_SINK, "lvs_dr.conf"],
];

/** The text the SVG shows, entities decoded. */
function svgText(svg: string): string {
  const decode = (s: string) =>
    s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!)).join("\n");
}

/** Every address and port the conf names, as the model has them. */
function addressesAndPorts(c: LvsConfig): { addresses: string[]; ports: string[] } {
  const addresses = new Set(
    [
      c.vip.address,
      c.dip.address,
      ...(c.directorGateway !== undefined ? [c.directorGateway.address] : []),
      ...(c.serverGateway !== undefined ? [c.serverGateway.address] : []),
      ...(c.pair?.directors.map((d) => d.address) ?? []),
      ...(c.active?.directors.map((d) => d.address) ?? []),
      ...(c.active?.peers.map((p) => p.address) ?? []),
    ].map(formatAddress),
  );
  const ports = new Set<string>();
  for (const s of c.services) {
    if (s.protocol !== "fwmark" && s.port !== 0) ports.add(`:${s.port}`);
    if (s.fwmark !== undefined) ports.add(`FWM ${s.fwmark}`);
    for (const rs of s.realServers) {
      if (!rs.localNode) addresses.add(formatAddress(rs.address));
      if (rs.port !== 0) ports.add(`:${rs.port}`);
    }
  }
  return { addresses: [...addresses], ports: [...ports] };
}

/** Renders with resvg; the bounding box of every pixel that is not the white background. */
function rendered(svg: string): { width: number; height: number; box: { x0: number; y0: number; x1: number; y1: number } | undefined } {
  const r = new Resvg(svg, { background: "white", font: { loadSystemFonts: true } });
  const img = r.render();
  const { width, height } = img;
  const px = img.pixels;
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (px[i]! > 250 && px[i + 1]! > 250 && px[i + 2]! > 250) continue;
      if (box === undefined) box = { x0: x, y0: y, x1: x, y1: y };
      else {
        box.x0 = Math.min(box.x0, x);
        box.x1 = Math.max(box.x1, x);
        box.y0 = Math.min(box.y0, y);
        box.y1 = Math.max(box.y1, y);
      }
    }
  return { width, height, box };
}

describe.each(CASES)("the picture of %s", (_name, text, file) => {
  const c = model(text, file);

  it("is laid out by Graphviz from DOT without a warning", async () => {
    const { warnings } = await renderSvg(toDot(topology(c, file)));
    expect(warnings).toEqual([]);
  });

  it("is well-formed XML that names every address and port of the conf", async () => {
    const svg = await show(c, "svg", file);
    // resvg parses with a strict XML parser: a malformed document is an exception here
    expect(() => new Resvg(svg)).not.toThrow();
    const shown = svgText(svg);
    const { addresses, ports } = addressesAndPorts(c);
    for (const a of addresses) expect(shown, `address ${a}`).toContain(a);
    for (const p of ports) expect(shown, `port ${p}`).toContain(p);
  });

  it("renders to PNG with something drawn, and nothing outside the canvas", async (ctx) => {
    needTool(ctx, "fonts-dejavu");
    const { width, height, box } = rendered(await show(c, "svg", file));
    expect(box, "the picture is blank").toBeDefined();
    // Graphviz pads the drawing: content that touches an edge was cut off there
    expect(box!.x0).toBeGreaterThan(0);
    expect(box!.y0).toBeGreaterThan(0);
    expect(box!.x1).toBeLessThan(width - 1);
    expect(box!.y1).toBeLessThan(height - 1);
  });

  it("gives the same bytes for the same conf", async () => {
    expect(await show(c, "svg", file)).toBe(await show(model(text, file), "svg", file));
    expect(await show(c, "json", file)).toBe(await show(model(text, file), "json", file));
  });
});

describe("the checks above", () => {
  it("catch a malformed SVG, and content drawn past the canvas's edge", () => {
    expect(() => new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></svg>')).toThrow();
    const clipped = rendered('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect x="-5" y="5" width="10" height="5"/></svg>');
    expect(clipped.box!.x0).toBe(0);
  });
});

describe("the graph", () => {
  it("shows a real server once, with each of its services' ports, weights and forwarding", () => {
    const g = topology(model(readExample("lvs_nat.conf"), "lvs_nat.conf"), "lvs_nat.conf");
    expect(g.nodes.filter((n) => n.kind === "realserver").map((n) => n.title)).toEqual(["web1 10.1.1.2", "web2 10.1.1.3", "dns1 10.1.1.4", "dns2 10.1.1.5"]);
    const web2 = g.edges.filter((e) => e.to === "rs2").map((e) => e.label);
    expect(web2).toEqual([":8080 w1 NAT (-m)", ":443 w1 NAT (-m)"]);
    expect(g.nodes.find((n) => n.id === "rs1")!.lines).toEqual(["default route via the DIP 10.1.1.1"]);
    expect(g.edges.find((e) => e.reply === true)).toEqual({ from: "realservers", to: "director", label: "replies via the DIP (default route)", dashed: true, reply: true });
  });

  it("shows where DR and TUN real servers hide the VIP from ARP, and the tunnel", () => {
    const dr = topology(model(readExample("lvs_dr.conf")), "lvs_dr.conf").nodes.find((n) => n.id === "rs1")!;
    expect(dr.lines).toEqual(["VIP 192.168.0.101/32 on dummy0", "ARP hidden: arp_ignore=1, arp_announce=2 (all, eth0)"]);
    const tun = topology(model(readExample("lvs_tun.conf"), "lvs_tun.conf"), "lvs_tun.conf");
    expect(tun.nodes.find((n) => n.id === "rs1")!.lines).toContain("VIP 192.168.1.110/32 on tunl0 (IPIP, ipip module)");
    expect(tun.edges.filter((e) => e.to === "rs1").every((e) => e.label.endsWith("IPIP tunnel (-i)"))).toBe(true);
  });

  it("draws a pair of directors: the MASTER doing the work, the BACKUP beside it, the sync between them", () => {
    const g = topology(model(readExample("lvs_nat_ha.conf"), "lvs_nat_ha.conf"), "lvs_nat_ha.conf");
    const pair = g.clusters.find((c) => c.id === "director_host")!;
    expect(pair.label).toBe("two directors, keepalived (VRRP router id 51), director1 takes the VIP back");
    expect(pair.nodes.map((id) => g.nodes.find((n) => n.id === id)!.title)).toEqual(["director1 10.1.1.11", "director2 10.1.1.12"]);
    expect(g.nodes.find((n) => n.id === "director")!.lines).toContain("DIP 10.1.1.1/24 on eth1 (floating)");
    expect(g.edges.filter((e) => e.to === "director2").map((e) => e.label)).toEqual(["after a failover", "VRRP adverts, connection sync"]);
    // services hang off the MASTER only
    expect(g.edges.filter((e) => e.from === "director2")).toEqual([]);
  });

  it("draws LocalNode in the director's box, and monitor-made links dashed", () => {
    const g = topology(model(KITCHEN_SINK), "lvs_dr.conf");
    expect(g.clusters.find((c) => c.id === "director_host")!.nodes).toEqual(["director", "localnode"]);
    expect(g.edges.filter((e) => e.to === "localnode")).toHaveLength(1);
    expect(g.edges.filter((e) => e.from.startsWith("svc")).every((e) => e.dashed)).toBe(true);
  });

  it("summarises a 200 x 10 cluster into a few readable nodes, grouped by service", async () => {
    const c = model(generated(200, 10));
    const g = topology(c, "lvs_dr.conf");
    expect(g.summarised).toBe(true);
    expect(g.nodes.length).toBeLessThanOrEqual(3 + 2 * SUMMARY_LIMITS.groups + 1);
    const services = g.nodes.filter((n) => n.kind === "service");
    expect(services.map((n) => n.title)).toEqual(["200 services"]);
    expect(services[0]!.lines).toEqual(["TCP 10.0.0.1 ports 1-200", "scheduler wrr", "persistent 600 s"]);
    expect(g.nodes.find((n) => n.kind === "realserver")!.title).toBe("2000 real servers");
    const svg = await show(c, "svg", "lvs_dr.conf");
    // a readable size: no wider or taller than a few screens
    const [, w, h] = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;
    expect(Number(w)).toBeLessThan(2000);
    expect(Number(h)).toBeLessThan(2000);
  });

  it("groups services that share real servers, and counts the groups it does not draw", () => {
    // 20 services in 20 pairs of real servers, each pair shared by no one else, alike in shape but for the scheduler
    const lines = [...conf().split("\n").slice(0, 4)];
    for (let i = 0; i < 20; i++) lines.push(`SERVICE=t ${100 + i} ${i % 2 === 0 ? "rr" : "wlc"} 192.168.0.${10 + 2 * i} 192.168.0.${11 + 2 * i}`);
    lines.push("SERVER_VIP_DEVICE=dummy0", "");
    const g = topology(model(lines.join("\n")), "lvs_dr.conf");
    expect(g.summarised).toBe(true);
    // 20 distinct sets are too many groups: alike services (by scheduler here) are grouped
    expect(g.nodes.filter((n) => n.kind === "service").map((n) => n.title)).toEqual(["10 services", "10 services"]);
    expect(DETAIL_LIMITS.services).toBeLessThan(20);
  });

  it("is the same graph in DOT and in Mermaid", () => {
    for (const [, text, file] of CASES) {
      const g = topology(model(text, file), file);
      const dot = toDot(g);
      const mmd = toMermaid(g);
      for (const n of g.nodes) {
        expect(dot).toContain(`  ${n.id} [`);
        expect(mmd).toMatch(new RegExp(`^ +${n.id}(\\[|\\(\\[|\\{\\{)"`, "m"));
      }
      expect(dot.match(/ -> /g)).toHaveLength(g.edges.length);
      expect(mmd.match(/^ +\S+ -(-|\.)?-?>/gm)).toHaveLength(g.edges.length);
      // subgraphs are closed
      expect(mmd.match(/^ +subgraph /gm)?.length).toBe(mmd.match(/^ +end$/gm)?.length);
    }
  });
});

describe("show --format json", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "schema/lvsc-model.schema.json"), "utf8"));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

  it.each(CASES)("%s validates against the shipped JSON Schema", async (_name, text, file) => {
    const json = JSON.parse(await show(model(text, file), "json", file));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.lvscModel).toBe(1);
  });

  it("gives a pair's VRRP timers: keepalived's defaults, or VRRP_ADVERT's VRRPv3 interval", async () => {
    const pairOf = async (extra: string) => JSON.parse(await show(model(`${readExample("lvs_dr_ha.conf")}${extra}`, "lvs_dr_ha.conf"), "json", "lvs_dr_ha.conf"));
    const plain = await pairOf("");
    expect([plain.pair.advertInterval, plain.pair.vrrpVersion]).toEqual([1, 2]);
    const fast = await pairOf("VRRP_ADVERT=0.2\n");
    expect([fast.pair.advertInterval, fast.pair.vrrpVersion]).toEqual([0.2, 3]);
    expect(validate(fast), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is checked by a schema that does refuse a wrong document", async () => {
    const json = JSON.parse(await show(model(readExample("lvs_dr.conf")), "json", "lvs_dr.conf"));
    json.services[0].realServers[0].address = "192.168.0.300";
    expect(validate(json)).toBe(false);
    delete json.vip;
    expect(validate(json)).toBe(false);
  });

  it("is shipped in the package", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.files).toContain("schema");
  });
});

describe("the pictures in docs/", () => {
  it.each([...EXAMPLE_CONFS, ...HA_CONFS])("docs/topology/ has the picture of examples/%s as it is now", async (c) => {
    const svg = await show(model(readExample(c), c), "svg", c);
    const committed = readFileSync(join(ROOT, "docs/topology", `${c.replace(".conf", "")}.svg`), "utf8");
    expect(committed === svg, `docs/topology/${c.replace(".conf", "")}.svg is out of date: run npm run docs`).toBe(true);
  });
});

describe("the CLI", () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    const value: Io = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
    return { value, out, err };
  }

  it("prints each format, and refuses one it does not know", async () => {
    for (const f of ["text", "svg", "dot", "mermaid", "json"]) {
      const o = io();
      expect(await main(["show", join(EXAMPLES, "lvs_dr.conf"), "--format", f], o.value)).toBe(0);
      expect(o.out.join("").length).toBeGreaterThan(100);
    }
    const o = io();
    expect(await main(["show", join(EXAMPLES, "lvs_dr.conf"), "-f", "png"], o.value)).toBe(2);
    expect(o.err.join("")).toContain("option -f/--format must be text, svg, dot, mermaid or json, not `png`");
  });

  it("writes topology.svg only when asked: --target topology, or all the files with --target all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-topo-"));
    const conf = join(EXAMPLES, "lvs_nat.conf");
    expect(await main(["compile", conf, "-o", join(dir, "default")], io().value)).toBe(0);
    const files = (d: string) => readdirSync(join(dir, d)).filter((f) => !f.startsWith("."));
    expect(files("default")).not.toContain("topology.svg");
    expect(await main(["compile", conf, "-o", join(dir, "one"), "--target", "topology"], io().value)).toBe(0);
    expect(files("one")).toEqual(["topology.svg"]);
    expect(await main(["compile", conf, "-o", join(dir, "all"), "--target", "all"], io().value)).toBe(0);
    expect(files("all").sort()).toEqual([...files("default"), "topology.svg"].sort());
    const svg = readFileSync(join(dir, "one", "topology.svg"), "utf8");
    expect(svg).toBe(await show(model(readExample("lvs_nat.conf"), "lvs_nat.conf"), "svg", "lvs_nat.conf"));
  });

  it("draws each variant as its own type", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-topo-"));
    expect(await main(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", dir, "--target", "topology"], io().value)).toBe(0);
    for (const t of ["dr", "nat", "tun"]) expect(svgText(readFileSync(join(dir, t, "topology.svg"), "utf8"))).toContain(`VS_${t.toUpperCase()}`);
  });
});
