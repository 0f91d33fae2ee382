// The shapes plan.ts and plan-active.ts share: the targets, a render plan, sysctl groups and the
// ARP-hiding sysctls. Below both, so that neither imports the other back. Pure.

export type TemplateName =
  | "rc.lvs.sh"
  | "rc.local.sh"
  | "exports"
  | "ipvsadm.rules"
  | "keepalived.conf"
  | "mon.cf"
  | "lvs.service"
  | "sysctl.conf"
  | "bird.conf"
  | "bird.router.conf"
  | "router-sysctl.conf";

/** What `lvsc compile --target` selects; each names one output file. */
export const TARGETS = ["rc", "rc-local", "exports", "rules", "keepalived", "mon", "systemd", "sysctl", "bird", "router"] as const;
export type Target = (typeof TARGETS)[number];

export interface RenderPlan {
  target: Target;
  template: TemplateName;
  /** File name inside the output directory. */
  path: string;
  mode: number;
  context: Record<string, unknown>;
}

export interface Sysctl {
  key: string;
  value: string;
  /** A value the script leaves as it finds it (and then does not hold): accept_ra=0 stays 0. */
  keep?: string | undefined;
}

/** Sysctls set together, under one comment (a line per array entry). */
export interface SysctlGroup {
  comment: string[];
  sysctls: Sysctl[];
}

/**
 * A sysctl key for a per-interface setting. sysctl(8) reads dots as separators, so an
 * interface with a dot in its name (a VLAN such as eth0.100) needs the slash form.
 */
export function confKey(device: string, param: string, family: 4 | 6 = 4): string {
  const ip = family === 6 ? "ipv6" : "ipv4";
  return device.includes(".") ? `net/${ip}/conf/${device}/${param}` : `net.${ip}.conf.${device}.${param}`;
}

/** arp_ignore=1 and arp_announce=2 on each device: a host that holds the VIP but never answers ARP for it. */
export function arpHiding(devices: readonly string[]): { key: string; value: string }[] {
  return devices.flatMap((dev) => [
    { key: confKey(dev, "arp_ignore"), value: "1" },
    { key: confKey(dev, "arp_announce"), value: "2" },
  ]);
}
