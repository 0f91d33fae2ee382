// The state one validation shares across its checks: options, the diagnostics sink, resolved host
// names, and the look-ups every directive uses (field counts, "did you mean"). Pure.

import type { Directive, Field } from "../ast.js";
import { diag, type Code, type Diagnostic, type Span } from "../diagnostics.js";
import { DIRECTIVES } from "../directives.js";
import type { HostTable } from "../hosts.js";
import type { DirectorInside, LvsConfig, ServiceLine, Vip } from "../model.js";
import type { Address, Family } from "../net.js";
import type { ServiceTable } from "../services.js";
import { didYouMean, listing, printable } from "../text.js";

export interface ValidateOptions {
  /** The conf's file name, used to suggest LVS_TYPE. */
  file?: string | undefined;
  hosts: HostTable;
  services: ServiceTable;
}

export interface ValidateResult {
  /** Present only when there is no error. */
  config: LvsConfig | undefined;
  diagnostics: Diagnostic[];
  /** Host names the conf used, as resolved from the hosts files, in order of first use. */
  names: Map<string, Address[]>;
}

/** How many distinct unknown names of a file get a "did you mean" from the hosts or services table. */
export const SUGGESTED = 10;

/** A value with the span it came from, so cross-line checks can point at the right field. */
export interface Located<T> {
  value: T;
  span: Span;
}

/** The VIP line's model, with the span of its address. */
export type LocatedVip = Located<Vip> & { addressSpan: Span };

/** The DIRECTOR_INSIDEIP line's model, with the span of its address. */
export type LocatedDip = Located<DirectorInside> & { addressSpan: Span };

/** A SERVICE's model with its service and protocol fields, for cross-line checks to point at. */
export interface ParsedService {
  value: ServiceLine;
  field: Field;
  protoField: Field;
  /** The scheduler as written, when it is. */
  schedField?: Field | undefined;
}

/** A once-only directive by name: `present` gives it as written, `ok` only when its line parsed. */
export type Lookup = (name: string) => Directive | undefined;

/** One run of the validator: its options, the diagnostics so far, the host names it resolved. */
export class Context {
  readonly out: Diagnostic[] = [];
  readonly names = new Map<string, Address[]>();
  /**
   * The cluster's family, once the VIP is read: host names resolve in it. Undefined before (and
   * when the VIP is broken), when a name resolves to its IPv4 line first.
   */
  family: Family | undefined;
  /**
   * A dual-stack conf (a VIP per family): a SERVICE line is read once per family, and a real
   * server written as an address of the other family belongs to the other family's service.
   */
  dualStack = false;
  /** "did you mean" results by table and word (see suggestion()). */
  private readonly suggestions = new Map<string, Map<string, string>>();
  constructor(readonly opts: ValidateOptions) {}

  report(code: Code, message: string, span: Span, hint?: string, related?: { message: string; span: Span }[]): void {
    this.out.push(diag(code, message, span, { hint, related }));
  }


  /** Checks the field count of a fixed-shape directive; returns the fields or undefined. */
  fields(d: Directive): Field[] | undefined {
    const spec = DIRECTIVES[d.name.text]!;
    const want = spec.fields!;
    const shape = `${want.length} ${want.length === 1 ? "field" : "fields"} (${want.join(", ")})`;
    const note = spec.note !== undefined ? `; ${spec.note}` : "";
    if (d.args.length < want.length) {
      const missing = want.slice(d.args.length);
      this.report(
        "field-count",
        d.args.length === 0
          ? `\`${d.name.text}\` has no value`
          : `\`${d.name.text}\` needs ${shape}; the ${listing(missing.map((m) => `\`${m}\``))} ${missing.length === 1 ? "is" : "are"} missing`,
        d.args.length === 0 ? d.span : { start: d.args[0]!.span.start, end: d.args[d.args.length - 1]!.span.end },
        `e.g. \`${spec.example}\`${note}`,
      );
      return undefined;
    }
    if (d.args.length > want.length) {
      const extra = d.args[want.length]!;
      this.report(
        "field-count",
        `\`${d.name.text}\` takes ${shape}; \`${printable(extra.text)}\` is one too many`,
        { start: extra.span.start, end: d.args[d.args.length - 1]!.span.end },
        `e.g. \`${spec.example}\`${note}`,
      );
      return undefined;
    }
    return d.args;
  }

  /**
   * "did you mean `x`? " for a name that is not in a table, or "". Each look-up compares the name
   * with every entry, so only the first SUGGESTED distinct names of a file get one: 2,000 unknown
   * names against a 100,000-line hosts file would otherwise take minutes.
   */
  suggestion(table: "hosts" | "services", word: string, candidates: Iterable<string>): string {
    let cache = this.suggestions.get(table);
    if (cache === undefined) this.suggestions.set(table, (cache = new Map()));
    let found = cache.get(word);
    if (found === undefined) {
      if (cache.size >= SUGGESTED) return `(no suggestion: more than ${SUGGESTED} names are not in the ${table} table) `;
      const c = didYouMean(word, candidates);
      found = c !== undefined ? `${c} ` : "";
      cache.set(word, found);
    }
    return found;
  }
}
