import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** What the production build depends on; a change in any of these means "build again". */
const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "prisma/schema.prisma",
  "next.config.js",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "instrumentation.ts",
  "instrumentation-node.ts",
  "proxy.ts",
];

/** sha256 over the paths, sizes and modification times of the build inputs. */
export async function buildFingerprint(root: string): Promise<string> {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of await listFiles(path.join(root, input))) {
      const stat = await fs.stat(file);
      hash.update(`${path.relative(root, file)}:${stat.size}:${stat.mtimeMs}\n`);
    }
  }
  return hash.digest("hex");
}

async function listFiles(target: string): Promise<string[]> {
  const stat = await fs.stat(target).catch(() => null);
  if (!stat) return [];
  if (stat.isFile()) return [target];
  const entries = await fs.readdir(target, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
