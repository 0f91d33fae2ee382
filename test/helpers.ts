// Shared test helpers: example files, a lint/compile with the examples' hosts file, conf builders.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile, lint, type CompileOptions, type LintOptions } from "../src/index.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const EXAMPLES = `${ROOT}examples`;
export const EXAMPLE_HOSTS = { path: "examples/hosts", text: readFileSync(`${EXAMPLES}/hosts`, "utf8") };
export const EXAMPLE_CONFS = ["lvs_dr.conf", "lvs_nat.conf", "lvs_tun.conf"] as const;
/** The examples with two directors (DIRECTOR_PAIR). */
export const HA_CONFS = ["lvs_dr_ha.conf", "lvs_nat_ha.conf"] as const;

export function readExample(name: string): string {
  return readFileSync(`${EXAMPLES}/${name}`, "utf8");
}

export function lintText(text: string | Uint8Array, opts: LintOptions = {}) {
  return lint(text, { hosts: [EXAMPLE_HOSTS], file: "lvs_dr.conf", ...opts });
}

export function compileText(text: string | Uint8Array, opts: CompileOptions = {}) {
  return compile(text, { hosts: [EXAMPLE_HOSTS], file: "lvs_dr.conf", ...opts });
}

/** The walkthrough's cluster, one directive per line (line N is BASE[N-1]). */
export const BASE = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
  "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
  "SERVICE=t telnet rr rs1:telnet rs2:telnet",
  "SERVICE=t www rr rs1:www rs2:www",
  "SERVER_VIP_DEVICE=dummy0",
  "SERVER_NET_DEVICE=eth0",
] as const;

/** BASE with lines replaced (1-based; null deletes) and lines appended. */
export function conf(replace: Record<number, string | null> = {}, append: string[] = []): string {
  const lines: (string | null)[] = [...BASE];
  for (const [k, v] of Object.entries(replace)) lines[Number(k) - 1] = v;
  return [...lines.filter((l): l is string => l !== null), ...append].join("\n") + "\n";
}

/** A NAT cluster on two networks: the VIP outside (eth0:110, 192.168.1.0/24), the real servers inside. */
export function routedNatConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 3: "VIP=eth0:110 192.168.1.110 255.255.255.0 192.168.1.255", 7: null, 8: null }, extra);
}

/** A NAT cluster on the same addresses (one network: lint warns `one-network-nat`). */
export function natConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 7: null, 8: null }, extra);
}
