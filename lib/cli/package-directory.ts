import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "@/lib/cli/command";

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
}

/**
 * Builds a package for `--out` (a new or empty directory): written beside it and renamed into
 * place once the build succeeded, so a failed or interrupted build never leaves half a package.
 */
export async function writePackage<T>(outFlag: string, build: (directory: string) => Promise<T>): Promise<{ out: string; result: T }> {
  const out = path.resolve(outFlag);
  if (!(await isEmptyOrMissing(out))) throw new UsageError(`--out: ${out} exists and is not empty; choose a new directory`);
  const partial = `${out}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const result = await build(partial);
    await rm(out, { recursive: true, force: true });
    await rename(partial, out);
    return { out, result };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}
