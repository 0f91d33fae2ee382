// The executable's output path: lvsc writes to its file descriptors directly (no stream at start-up),
// so what Node's streams did for it must still hold: every byte, in order, on a slow reader's pipe.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, constants, cpSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fdWriter, isTerminal } from "../src/stdio.js";
import { EXAMPLES, ROOT } from "./helpers.js";
import { needTool } from "./tools.js";

const CLI = join(ROOT, "dist/cli.cjs");

describe("lvsc's output", () => {
  /** A descriptor that takes `room` bytes, then is a full non-blocking pipe (or a closed one). */
  function fakeFd(room: number, error: "EAGAIN" | "EPIPE") {
    const written: string[] = [];
    const write = (_fd: number, b: Uint8Array, offset: number) => {
      if (room === 0) throw Object.assign(new Error(error), { code: error });
      const n = Math.min(room, b.length - offset);
      room -= n;
      written.push(Buffer.from(b.subarray(offset, offset + n)).toString());
      return n;
    };
    return { written, write };
  }

  it("hands the rest to Node's stream when the pipe is full, and keeps the order", () => {
    const fd = fakeFd(5, "EAGAIN");
    const streamed: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => (streamed.push(String(c)), cb()) });
    const out = fdWriter(1, () => stream, fd.write);
    out("héllo world\n");
    out("second\n");
    expect(fd.written.join("")).toBe("héll");
    expect(fd.written.join("") + streamed.join("")).toBe("héllo world\nsecond\n");
  });

  it("ends quietly when the reader is gone", () => {
    const fd = fakeFd(3, "EPIPE");
    const exits: number[] = [];
    const out = fdWriter(1, () => { throw new Error("no stream"); }, fd.write, (c) => exits.push(c));
    out("abcdef");
    expect(exits).toEqual([0]);
  });

  it("reaches a reader that is slower than lvsc, complete and in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-bin-"));
    // ~1 MB of JSON: far more than a pipe holds, so lvsc's write meets a full pipe (EAGAIN)
    const conf = join(dir, "lvs_dr.conf");
    writeFileSync(conf, Array.from({ length: 3000 }, (_, i) => `UNKNOWN_${i}=1`).join("\n") + "\n");
    const expected = spawnSync(process.execPath, [CLI, "lint", "--format", "json", conf], { encoding: "utf8", maxBuffer: 1 << 26 }).stdout;
    expect(expected.length).toBeGreaterThan(1 << 19);

    const fifo = join(dir, "out");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // the reader opens first (non-blocking, so that opening does not wait for a writer)
    const opener = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const reader = openSync(fifo, constants.O_RDONLY); // blocking, for the read stream
    closeSync(opener);
    const child = spawn(process.execPath, [CLI, "lint", "--format", "json", conf], { stdio: ["ignore", writer, "pipe"] });
    closeSync(writer);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 300)); // lvsc has filled the pipe by now
    const chunks: Buffer[] = [];
    const exit = new Promise<number | null>((r) => child.on("exit", r));
    await new Promise<void>((resolve, reject) => {
      const s = createReadStream("", { fd: reader });
      s.on("data", (c) => chunks.push(c as Buffer));
      s.on("end", resolve);
      s.on("error", reject);
    });
    expect(await exit).toBe(1);
    expect(stderr).toBe("");
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
    expect(readFileSync(conf, "utf8")).toContain("UNKNOWN_2999=1");
  });
});

describe("terminal detection", () => {
  const noTty = () => {
    throw new Error("the tty module was loaded");
  };

  it("says a file, a pipe and /dev/null are no terminal, without loading the tty module", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-bin-"));
    const file = openSync(join(dir, "f"), "w");
    const devNull = openSync("/dev/null", "w");
    try {
      expect([isTerminal(file, noTty), isTerminal(devNull, noTty), isTerminal(9999, noTty)]).toEqual([false, false, false]);
    } finally {
      closeSync(file);
      closeSync(devNull);
    }
    const piped = spawnSync(process.execPath, [CLI, "lint", join(dir, "nope.conf")], { encoding: "utf8" });
    expect(piped.stderr).not.toContain("\u001b[");
  });

  it("colours lvsc's report on a terminal", (ctx) => {
    needTool(ctx, "script");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-bin-"));
    const conf = join(dir, "lvs_dr.conf");
    writeFileSync(conf, readFileSync(join(EXAMPLES, "lvs_dr.conf"), "utf8").replace("rr rs1:www", "rrr rs1:www"));
    const cmd = `"${process.execPath}" "${CLI}" lint "${conf}" --hosts "${join(EXAMPLES, "hosts")}"`;
    const p = spawnSync("script", ["-qec", cmd, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "" } });
    expect(p.stdout).toContain("\u001b[31m");
    expect(p.stdout).toContain("unknown-scheduler");
  });
});

describe("start-up", () => {
  it("runs each part of the executable from a V8 code cache that this node accepts", () => {
    for (const part of ["lvsc.cjs", "lvsc-output.cjs"]) {
      const file = join(ROOT, "dist", part);
      const check = `const fs = require("fs"), vm = require("vm"), { wrap } = require("module");
        const s = new vm.Script(wrap(fs.readFileSync(${JSON.stringify(file)}, "utf8")), { filename: ${JSON.stringify(file)}, cachedData: fs.readFileSync(${JSON.stringify(file + ".cache")}) });
        process.stdout.write(String(s.cachedDataRejected));`;
      expect([part, spawnSync(process.execPath, ["-e", check], { encoding: "utf8" }).stdout]).toEqual([part, "false"]);
    }
  });

  it("lints and shows without loading the part that writes files", () => {
    const dist = join(mkdtempSync(join(tmpdir(), "lvsc-bin-")), "dist");
    cpSync(join(ROOT, "dist"), dist, { recursive: true });
    rmSync(join(dist, "lvsc-output.cjs"));
    const run = (...args: string[]) => spawnSync(process.execPath, [join(dist, "cli.cjs"), ...args], { encoding: "utf8" });
    expect(run("lint", join(EXAMPLES, "lvs_dr.conf")).status).toBe(0);
    expect(run("show", join(EXAMPLES, "lvs_dr.conf")).status).toBe(0);
    const compile = run("compile", join(EXAMPLES, "lvs_dr.conf"), "-o", join(dist, "out"));
    expect([compile.status, compile.stderr]).toEqual([2, expect.stringContaining("lvsc-output.cjs")]);
  });
});

describe("what each command loads", () => {
  /** The modules a run of the CLI requires, by name (a preloaded hook records them). */
  function loads(args: string[]): { status: number | null; modules: string[] } {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-loads-"));
    const hook = join(dir, "hook.cjs");
    const log = join(dir, "loaded");
    writeFileSync(
      hook,
      `const M = require("node:module"); const fs = require("node:fs"); const load = M._load;
M._load = function (request, ...rest) { fs.appendFileSync(${JSON.stringify(log)}, request + "\\n"); return load.call(this, request, ...rest); };\n`,
    );
    const r = spawnSync(process.execPath, ["-r", hook, CLI, ...args], { cwd: dir, encoding: "utf8" });
    let modules: string[] = [];
    try {
      modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    return { status: r.status, modules };
  }

  it("lint and compile never load Graphviz (only show --format svg and the topology target do)", () => {
    const conf = join(EXAMPLES, "lvs_dr.conf");
    const lint = loads(["lint", conf]);
    const compile = loads(["compile", conf, "-o", "out"]);
    const svg = loads(["show", conf, "--format", "svg"]);
    expect([lint.status, compile.status, svg.status]).toEqual([0, 0, 0]);
    // the hook sees the CLI's requires: a proof that it works is that svg's shows Graphviz
    expect(svg.modules).toContain("@viz-js/viz");
    expect(lint.modules).not.toContain("@viz-js/viz");
    expect(compile.modules).not.toContain("@viz-js/viz");
  });
});
