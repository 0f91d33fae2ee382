// services(5) tables: the built-in copy of Debian's /etc/services, or a user's file. Pure.

import { SERVICES_DB, SERVICES_SOURCE } from "./services-db.js";

export type Protocol = "tcp" | "udp";

export interface ServiceTable {
  /** Where the names came from, for messages ("searched …"). */
  source: string;
  /** `name/proto` -> port; aliases included. */
  byName: Map<string, number>;
  /** Every name and alias, for "did you mean". */
  names: Set<string>;
}

/** Parses services(5) text: `name port/proto [aliases…] [# comment]`. Malformed lines are skipped. */
export function parseServices(text: string, source: string): ServiceTable {
  const byName = new Map<string, number>();
  const names = new Set<string>();
  for (const raw of text.split("\n")) {
    const hash = raw.indexOf("#");
    const line = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (line === "") continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d{1,5})\/([a-z]+)$/.exec(portProto ?? "");
    if (name === undefined || m === null) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    for (const n of [name, ...aliases]) {
      const key = `${n}/${m[2]}`;
      if (!byName.has(key)) byName.set(key, port); // first entry wins, as getservbyname does
      names.add(n);
    }
  }
  return { source, byName, names };
}

let builtin: ServiceTable | undefined;

/** The built-in table, equal to Debian's /etc/services (see scripts/gen-services.mjs). */
export function builtinServices(): ServiceTable {
  return (builtin ??= parseServices(SERVICES_DB, `lvsc's built-in table (${SERVICES_SOURCE})`));
}

export function lookupService(table: ServiceTable, name: string, proto: Protocol): number | undefined {
  return table.byName.get(`${name}/${proto}`);
}
