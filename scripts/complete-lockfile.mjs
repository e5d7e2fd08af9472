// The build machines' npm registry mirror holds only some platforms' prebuilt binaries (next's
// SWC, tailwind's oxide, …); `npm install` silently leaves the missing optional packages out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds an entry for
// each missing optional platform package from the registry's own metadata (version, resolved,
// integrity, os/cpu/libc), as npm itself would have written it, so `npm ci` elsewhere verifies
// and installs it where it fits, and skips it here as "unsupported platform".
//   npm install && node scripts/complete-lockfile.mjs     after changing dependencies
//   node scripts/complete-lockfile.mjs --check            (npm test) exits 1 if the lock is incomplete
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const check = process.argv.includes("--check");
const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;

/** Where Node would find `name` from the package at `location`: its own node_modules, then each ancestor's. */
function resolvedLocation(location, name) {
  let base = location;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return null;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/** Optional dependencies with no lock entry, and optional entries without the integrity npm ci verifies. */
function incomplete() {
  const missing = [];
  for (const [location, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const found = resolvedLocation(location, name);
      if (!found) missing.push({ location: `node_modules/${name}`, name, version, parent: entry });
      else if (!packages[found].integrity && !packages[found].link) missing.push({ location: found, name, version, parent: entry });
    }
  }
  return missing;
}

function registryEntry(name, range, parent) {
  const raw = JSON.parse(execFileSync("npm", ["view", `${name}@${range}`, "--json"], { encoding: "utf8" }));
  const meta = Array.isArray(raw) ? raw.at(-1) : raw;
  return {
    version: meta.version,
    resolved: meta.dist.tarball,
    integrity: meta.dist.integrity,
    ...(parent.dev ? { dev: true } : {}),
    ...(parent.devOptional ? { devOptional: true } : {}),
    optional: true,
    ...(meta.cpu ? { cpu: meta.cpu } : {}),
    ...(meta.os ? { os: meta.os } : {}),
    ...(meta.libc ? { libc: meta.libc } : {}),
    ...(meta.engines ? { engines: meta.engines } : {}),
    ...(meta.license ? { license: meta.license } : {}),
  };
}

const missing = incomplete();
if (check) {
  if (missing.length === 0) {
    console.log("package-lock.json is complete: every optional platform package has an entry with its integrity.");
    process.exit(0);
  }
  console.error(`package-lock.json is incomplete (${missing.length}); run: npm install && node scripts/complete-lockfile.mjs`);
  for (const m of missing) console.error(`  ${m.location} (${m.name}@${m.version})`);
  process.exit(1);
}

for (const m of missing) packages[m.location] = registryEntry(m.name, m.version, m.parent);
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(
  `package-lock.json: completed ${missing.length} optional platform package entr${missing.length === 1 ? "y" : "ies"} from the registry.`,
);
