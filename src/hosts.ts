// hosts(5) tables: name -> IPv4 address from the files lvsc was given. Never DNS. Pure.

import { parseIPv4, type IPv4 } from "./net.js";

export interface HostsSource {
  /** The path as the user gave it, used in messages. */
  path: string;
  text: string;
}

export interface HostEntry {
  address: IPv4;
  path: string;
  line: number;
}

export interface HostTable {
  /** The files searched, in order, for messages. */
  sources: string[];
  /** Lower-cased name -> first IPv4 entry. */
  v4: Map<string, HostEntry>;
  /** Names that only have IPv6 entries (so the message can say why they do not resolve). */
  v6Only: Set<string>;
  /** Every name as written, for "did you mean". */
  names: Set<string>;
}

/** Builds one table from hosts(5) files; the first file that names a host wins, as in /etc/hosts. */
export function parseHosts(sources: readonly HostsSource[]): HostTable {
  const table: HostTable = { sources: sources.map((s) => s.path), v4: new Map(), v6Only: new Set(), names: new Set() };
  for (const src of sources) {
    const lines = src.text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const hash = raw.indexOf("#");
      const fields = (hash === -1 ? raw : raw.slice(0, hash)).trim().split(/\s+/);
      if (fields.length < 2) continue;
      const [addr, ...names] = fields as [string, ...string[]];
      const v4 = parseIPv4(addr);
      for (const name of names) {
        const key = name.toLowerCase();
        table.names.add(name);
        if (v4.ok) {
          if (!table.v4.has(key)) table.v4.set(key, { address: v4.value, path: src.path, line: i + 1 });
          table.v6Only.delete(key);
        } else if (addr.includes(":") && !table.v4.has(key)) {
          table.v6Only.add(key);
        }
      }
    }
  }
  return table;
}
