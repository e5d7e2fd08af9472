import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  JOB_PROCESS,
  medprefCliArgs,
  nodeFlags,
  npmScriptFor,
  REPORT_PROCESS,
  SERVER_SCRIPT,
  WEB_SERVER,
} from "@/lib/process/node-commands";

const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;

describe("MedPref's node processes", () => {
  it("npm scripts start each process with the flags of its kind", () => {
    expect(scripts.medpref).toBe(
      "node --max-old-space-size=192 --initial-old-space-size=64 --conditions=react-server --import tsx scripts/medpref.ts",
    );
    expect(scripts.worker).toBe(npmScriptFor("scripts/worker.ts", JOB_PROCESS));
    expect(scripts.start).toBe(npmScriptFor("scripts/start.ts", SERVER_SCRIPT));
    expect(scripts.dev).toBe(npmScriptFor("scripts/start.ts", SERVER_SCRIPT, ["--dev"]));
    expect(scripts.web).toBe(npmScriptFor("scripts/web-server.ts", WEB_SERVER));
    for (const [name, line] of Object.entries(scripts).filter(([n]) => n.startsWith("bench:"))) {
      expect(line, name).toBe(npmScriptFor(`bench/${name.slice("bench:".length)}.ts`, SERVER_SCRIPT));
    }
  });

  it("tests and benchmarks spawn the command line exactly as npm run medpref does", () => {
    const args = medprefCliArgs("export", "--project", "p");
    expect(args.slice(0, 5)).toEqual([
      "--max-old-space-size=192",
      "--initial-old-space-size=64",
      "--conditions=react-server",
      "--import",
      "tsx",
    ]);
    expect(args[5]).toMatch(/\/scripts\/medpref\.ts$/);
    expect(args.slice(6)).toEqual(["export", "--project", "p"]);
  });

  it("computes agreement reports outside the job processes' bounded heap", () => {
    expect(nodeFlags(JOB_PROCESS)).toContain("--max-old-space-size=192");
    expect(nodeFlags(REPORT_PROCESS)).toEqual(["--max-semi-space-size=64", "--conditions=react-server"]);
  });
});
