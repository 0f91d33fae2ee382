// A vitest reporter that says what was skipped for want of a system tool, and how to get it:
// one counted line per tool after vitest's own summary. Skips come from test/tools.ts's
// needTool(), whose note is "needs TOOL (apt-get install PKG...)". Other skips are counted too.
import type { Reporter, TestModule, Vitest } from "vitest/node";

export default class SkipReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byTool = new Map<string, { pkg: string; count: number }>();
    let other = 0;
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== "skipped") continue;
        const note = /^needs (\S+) \(apt-get install ([^)]+)\)/.exec(r.note ?? "");
        if (note === null) {
          other++;
          continue;
        }
        const e = byTool.get(note[1]!) ?? { pkg: note[2]!, count: 0 };
        e.count++;
        byTool.set(note[1]!, e);
      }
    const log = (s: string) => (this.vitest !== undefined ? this.vitest.logger.log(s) : console.log(s));
    if (byTool.size === 0 && other === 0) return;
    const total = [...byTool.values()].reduce((n, e) => n + e.count, 0);
    if (total > 0) {
      log(`\nSKIPPED ${total} check${total === 1 ? "" : "s"}: system tools missing on this machine`);
      for (const [tool, e] of [...byTool].sort()) log(`  ${String(e.count).padStart(4)} need ${tool}`);
      const pkgs = [...new Set([...byTool.values()].flatMap((e) => e.pkg.split(" ")))].sort();
      log(`  to run them: sudo apt-get install ${pkgs.join(" ")}   (CI=true makes a missing tool a failure)`);
    }
    if (other > 0) log(`SKIPPED ${other} other test${other === 1 ? "" : "s"}`);
  }
}
