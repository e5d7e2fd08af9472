import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { buildFingerprint } from "@/lib/build/build-fingerprint";

/** Runs `next build` when there is no build or the sources changed since the last one. */
export async function ensureProductionBuild(root: string, say: (line: string) => void): Promise<void> {
  const stamp = path.join(root, ".next", "medpref-build-fingerprint");
  const fingerprint = await buildFingerprint(root);
  const built = await fs.readFile(stamp, "utf8").catch(() => "");
  const hasBuild = await fs.access(path.join(root, ".next", "BUILD_ID")).then(
    () => true,
    () => false,
  );
  if (hasBuild && built === fingerprint) return;
  say("Building the web app (first start or changed sources; this takes a minute)…");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(root), "build"], {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
  });
  await fs.writeFile(stamp, fingerprint);
}

export function nextBin(root: string): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}
