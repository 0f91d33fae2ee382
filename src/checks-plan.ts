// A service's CHECK (src/checks.ts) as keepalived.conf's checker block and mon.cf's monitor. Pure.

import type { HealthCheck, VirtualService } from "./model.js";
import { familyOf } from "./net.js";

/**
 * Worst-case seconds from a real server's failure to its removal: a check may have just passed,
 * then `retries + 1` attempts each time out, `retryDelay` apart. A server that refuses outright
 * goes faster: interval + retries x retryDelay.
 */
export function detectionBound(c: Pick<HealthCheck, "interval" | "timeout" | "retries" | "retryDelay">): { refused: number; silent: number } {
  return { refused: c.interval + c.retries * c.retryDelay, silent: c.interval + (c.retries + 1) * c.timeout + c.retries * c.retryDelay };
}

/** keepalived's checker for each kind (`none` has no block: the real server is always in). */
const CHECKERS = { http: "HTTP_GET", https: "SSL_GET", tcp: "TCP_CHECK", dns: "DNS_CHECK", smtp: "SMTP_CHECK", script: "MISC_CHECK", none: "" } as const;

/** What the keepalived template reads of a CHECK, every value a string for the `word` helper. */
export interface KeepalivedCheck {
  checker: string;
  none: boolean;
  url: boolean;
  path: string;
  status: string;
  digest: string;
  host: string;
  dns: boolean;
  dnsType: string;
  dnsName: string;
  helo: string;
  misc: boolean;
  script: string;
  user: string;
  connectPort: string;
  timeout: string;
  retry: string;
  delayBeforeRetry: string;
}

export function keepalivedCheck(c: HealthCheck): KeepalivedCheck {
  return {
    checker: CHECKERS[c.kind],
    none: c.kind === "none",
    url: c.kind === "http" || c.kind === "https",
    path: c.path,
    status: c.status.from === c.status.to ? String(c.status.from) : `${c.status.from}-${c.status.to}`,
    digest: c.digest ?? "",
    host: c.host ?? "",
    dns: c.kind === "dns",
    dnsType: c.dnsType,
    dnsName: c.dnsName,
    helo: c.helo ?? "",
    misc: c.kind === "script",
    script: c.script ?? "",
    user: c.user,
    connectPort: c.port !== undefined ? String(c.port) : "",
    timeout: String(c.timeout),
    retry: String(c.retries),
    delayBeforeRetry: String(c.retryDelay),
  };
}

/** The comment above a service with a CHECK: the check as keepalived runs it, and its bound in seconds. */
export function checkComment(c: HealthCheck, s: VirtualService): string[] {
  const line = `CHECK on line ${c.line}`;
  if (c.kind === "none") return [`${line}: no check: each real server stays in the table whatever happens to it.`];
  const to = c.port !== undefined ? ` on port ${c.port}` : "";
  const url = `${c.path}${c.host !== undefined ? ` (Host: ${c.host})` : ""}`;
  const codes = c.status.from === c.status.to ? `status ${c.status.from}` : `status ${c.status.from}-${c.status.to}`;
  const pass = c.digest !== undefined ? `${codes} and a body of MD5 ${c.digest}` : codes;
  const what = {
    http: `HTTP_GET of ${url}${to}, passing on ${pass}`,
    https: `SSL_GET of ${url}${to} over TLS (the certificate is not verified), passing on ${pass}`,
    tcp: `TCP_CHECK, a TCP connect${to}`,
    dns: `DNS_CHECK, a query for ${c.dnsName} (type ${c.dnsType}) over UDP${to}, passing on rcode NOERROR`,
    smtp: `SMTP_CHECK, the SMTP greeting and HELO ${c.helo ?? "(this host's name)"}${to}`,
    script: `MISC_CHECK, ${c.script ?? ""} ADDRESS PORT (the real server's) as user ${c.user}, passing on exit status 0`,
  }[c.kind];
  const b = detectionBound(c);
  const n = c.retries + 1;
  const failures = `${n} ${n === 1 ? "failure" : `failures ${c.retryDelay} s apart`}`;
  const refused = s.protocol === "udp" ? "fails at once" : "refuses or fails at once";
  const lines = [
    `${line}: ${what}.`,
    `Every ${c.interval} s, with ${c.timeout} s to answer. After ${failures}, a server leaves the table:`,
    `within ${b.refused} s when it ${refused}, ${b.silent} s when it does not answer. It comes back at its first success.`,
  ];
  // keepalived's check_http.c: with no virtualhost, an IPv6 literal goes in brackets (RFC 2732)
  if ((c.kind === "http" || c.kind === "https") && c.host === undefined && familyOf(s.vip) === 6)
    lines.push("Without host:, the request carries Host: [address]:port, the real server's (RFC 2732).");
  return lines;
}

/** mon's monitor for a CHECK and its options (each a word; the template writes the flags), undefined for lvsc's default. */
export interface MonCheck {
  name: string;
  /** -p and -t of http.monitor, tcp.monitor and smtp.monitor. */
  port: string;
  timeout: string;
  /** http.monitor -u. */
  url: string;
  /** dns.monitor -caching_only -query NAME:TYPE -timeout T. */
  dnsQuery: string;
}

export function monCheck(c: HealthCheck, port: number): MonCheck | undefined {
  const p = String(c.port ?? port);
  const t = String(c.timeout);
  const m = { port: p, timeout: t, url: "", dnsQuery: "" };
  switch (c.kind) {
    case "http":
      return { ...m, name: "http.monitor", url: c.path };
    case "https":
    case "tcp":
      return { ...m, name: "tcp.monitor" };
    case "smtp":
      return { ...m, name: "smtp.monitor" };
    case "dns":
      // dns.monitor asks port 53 only (a DNS check elsewhere has check-port-mismatch already)
      return { ...m, name: "dns.monitor", port: "", dnsQuery: `${c.dnsName}:${c.dnsType}` };
    case "script": // mon runs the monitors of its mon.d only: lvsc's default monitor (check-not-in-mon)
    case "none": // not watched at all
      return undefined;
  }
}
