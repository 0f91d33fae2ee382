// Writes a set of output files all or nothing: the CLI's only path to the file system for output.
//
// Every file is first written to a temporary file in the output directory (same file system,
// so rename is atomic), flushed and given its final mode. Only when all of them are written
// are they renamed over their targets. A rename replaces a symbolic link at the target
// instead of following it. If a rename fails part way, the files already moved are put back
// from hard-link backups, so the directory ends as it began.

import { randomBytes } from "node:crypto";
import { constants, promises as fsp } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import fse from "fs-extra";
import type { OutputFile } from "./plan.js";

export class WriteError extends Error {}

/** Test hook: called before each rename, so a test can make the n-th one fail. */
export interface WriteHooks {
  beforeRename?(target: string, index: number): Promise<void> | void;
}

/** Writes `files` into `dir`, all or nothing. Returns the paths written. */
export async function writeAll(dir: string, files: readonly OutputFile[], opts: { input?: string; hooks?: WriteHooks } = {}): Promise<string[]> {
  return writeGroups([{ dir, files }], opts);
}

/** Writes several directories' files as one all-or-nothing set (lvsc variants: dr/, nat/, tun/). */
export async function writeGroups(
  groups: readonly { dir: string; files: readonly OutputFile[] }[],
  opts: { input?: string; hooks?: WriteHooks } = {},
): Promise<string[]> {
  const entries: { target: string; file: OutputFile }[] = [];
  for (const g of groups) {
    for (const f of g.files)
      if (basename(f.path) !== f.path || f.path === "." || f.path === ".." || f.path.startsWith("."))
        throw new WriteError(`refusing to write ${JSON.stringify(f.path)}: output names are plain file names`);
    await fse.ensureDir(g.dir);
    const realDir = await fsp.realpath(g.dir);
    for (const f of g.files) entries.push({ target: join(realDir, f.path), file: f });
  }

  if (opts.input !== undefined) {
    const inputStat = await fsp.stat(opts.input).catch(() => undefined);
    for (const { target } of entries) {
      const st = await fsp.stat(target).catch(() => undefined);
      if (inputStat !== undefined && st !== undefined && st.dev === inputStat.dev && st.ino === inputStat.ino)
        throw new WriteError(`refusing to overwrite the input file ${opts.input} with ${basename(target)}`);
    }
  }

  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temps: string[] = [];
  const backups = new Map<string, string>();
  const moved: string[] = [];
  try {
    for (const { target, file } of entries) {
      const tmp = join(dirname(target), `.${file.path}.lvsc-${tag}.tmp`);
      temps.push(tmp);
      const h = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await h.writeFile(file.contents, "utf8");
        await h.chmod(file.mode); // explicit: the umask must not change a script's mode
        await h.sync();
      } finally {
        await h.close();
      }
    }
    // hard-link backups of what is there now (link(2) does not follow a symbolic link)
    for (const { target } of entries) {
      const st = await fsp.lstat(target).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isDirectory()) throw new WriteError(`${target} is a directory`);
      const bak = join(dirname(target), `.${basename(target)}.lvsc-${tag}.bak`);
      await fsp.link(target, bak);
      backups.set(target, bak);
    }
    for (let i = 0; i < entries.length; i++) {
      await opts.hooks?.beforeRename?.(entries[i]!.target, i);
      await fsp.rename(temps[i]!, entries[i]!.target);
      moved.push(entries[i]!.target);
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
    throw new WriteError(`could not write to ${groups.map((g) => g.dir).join(", ")}: ${(e as Error).message}; nothing was changed`);
  }
  for (const bak of backups.values()) await fsp.unlink(bak).catch(() => undefined);
  for (const dir of new Set(entries.map((e) => dirname(e.target)))) {
    const d = await fsp.open(dir, constants.O_RDONLY).catch(() => undefined);
    if (d !== undefined) await d.sync().catch(() => undefined).finally(() => d.close());
  }
  return entries.map((e) => resolve(e.target));
}
