// The build machines' npm registry mirror holds only some platforms' prebuilt binaries (next's
// SWC, tailwind's oxide, …); `npm install` silently leaves the missing optional packages out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds an entry for
// each missing optional platform package, with the os/cpu its name declares, so `npm ci` skips
// it as "unsupported platform" without fetching it. Run it after changing dependencies:
//   npm install && node scripts/complete-lockfile.mjs
import fs from "node:fs";

const OS = ["android", "darwin", "freebsd", "linux", "win32", "openharmony", "sunos", "aix", "netbsd", "openbsd"];
const CPU = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "mips64el"];

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    // Node resolution: the package's own node_modules, then each ancestor's, up to the root.
    const candidates = [];
    let base = location;
    for (;;) {
      candidates.push(`${base ? `${base}/` : ""}node_modules/${name}`);
      const cut = base.lastIndexOf("/node_modules/");
      if (base === "") break;
      base = cut === -1 ? "" : base.slice(0, cut);
    }
    if (candidates.some((c) => packages[c])) continue;
    const tokens = name.split("/").pop().split("-");
    const os = OS.filter((o) => tokens.includes(o));
    const cpu = CPU.filter((c) => tokens.includes(c));
    if (os.length === 0 && cpu.length === 0) {
      console.warn(`left out ${name}: its name names no platform`);
      continue;
    }
    packages[`node_modules/${name}`] = {
      version: /^\d/.test(version) ? version : version.replace(/^[^\d]*/, ""),
      ...(entry.dev ? { dev: true } : {}),
      ...(entry.devOptional ? { devOptional: true } : {}),
      optional: true,
      ...(os.length ? { os } : {}),
      ...(cpu.length ? { cpu } : {}),
    };
    added += 1;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: added ${added} optional platform package entr${added === 1 ? "y" : "ies"}.`);
