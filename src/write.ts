// Writes a set of output files all or nothing: the CLI's only path to the file system for output.
//
// Every file is first written to a temporary file in the output directory (same file system,
// so rename is atomic), flushed and given its final mode. Only when all of them are written
// are they renamed over their targets. A rename replaces a symbolic link at the target
// instead of following it. If a rename fails part way, the files already moved are put back
// from hard-link backups, so the directory ends as it began.

import { randomBytes } from "node:crypto";
import { constants, promises as fsp } from "node:fs";
import { basename, join, resolve } from "node:path";
import fse from "fs-extra";
import type { OutputFile } from "./plan.js";

export class WriteError extends Error {}

/** Test hook: called before each rename, so a test can make the n-th one fail. */
export interface WriteHooks {
  beforeRename?(target: string, index: number): Promise<void> | void;
}

export async function writeAll(dir: string, files: readonly OutputFile[], opts: { input?: string; hooks?: WriteHooks } = {}): Promise<string[]> {
  for (const f of files)
    if (basename(f.path) !== f.path || f.path === "." || f.path === ".." || f.path.startsWith("."))
      throw new WriteError(`refusing to write ${JSON.stringify(f.path)}: output names are plain file names`);
  await fse.ensureDir(dir);
  const realDir = await fsp.realpath(dir);
  const targets = files.map((f) => join(realDir, f.path));

  if (opts.input !== undefined) {
    const inputStat = await fsp.stat(opts.input).catch(() => undefined);
    for (const t of targets) {
      const st = await fsp.stat(t).catch(() => undefined);
      if (inputStat !== undefined && st !== undefined && st.dev === inputStat.dev && st.ino === inputStat.ino)
        throw new WriteError(`refusing to overwrite the input file ${opts.input} with ${basename(t)}`);
    }
  }

  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temps: string[] = [];
  const backups = new Map<string, string>();
  const moved: string[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const tmp = join(realDir, `.${f.path}.lvsc-${tag}.tmp`);
      temps.push(tmp);
      const h = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await h.writeFile(f.contents, "utf8");
        await h.chmod(f.mode); // explicit: the umask must not change a script's mode
        await h.sync();
      } finally {
        await h.close();
      }
    }
    // hard-link backups of what is there now (link(2) does not follow a symbolic link)
    for (const t of targets) {
      const st = await fsp.lstat(t).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isDirectory()) throw new WriteError(`${t} is a directory`);
      const bak = join(realDir, `.${basename(t)}.lvsc-${tag}.bak`);
      await fsp.link(t, bak);
      backups.set(t, bak);
    }
    for (let i = 0; i < targets.length; i++) {
      await opts.hooks?.beforeRename?.(targets[i]!, i);
      await fsp.rename(temps[i]!, targets[i]!);
      moved.push(targets[i]!);
    }
  } catch (e) {
    // put back what was replaced, remove what was new
    for (const t of moved.reverse()) {
      const bak = backups.get(t);
      if (bak !== undefined) await fsp.rename(bak, t).catch(() => undefined);
      else await fsp.unlink(t).catch(() => undefined);
    }
    for (const p of [...temps, ...backups.values()]) await fsp.unlink(p).catch(() => undefined);
    if (e instanceof WriteError) throw e;
    throw new WriteError(`could not write to ${dir}: ${(e as Error).message}; nothing was changed`);
  }
  for (const bak of backups.values()) await fsp.unlink(bak).catch(() => undefined);
  const d = await fsp.open(realDir, constants.O_RDONLY).catch(() => undefined);
  if (d !== undefined) await d.sync().catch(() => undefined).finally(() => d.close());
  return targets.map((t) => resolve(t));
}
