import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** What makes a module a server module: it reaches the database, the queue, an LLM endpoint or the request's session. */
const SERVER_DEPENDENCY =
  /^import (?!type )[^;]*from "(pg|pg-boss|openai|next-auth[^"]*|next\/headers|@\/lib\/db\/[^"]+|@\/generated\/prisma\/client)";/m;

/**
 * Server modules that must load without React's "react-server" condition, with the reason.
 * Anything else that imports a server dependency starts with `import "server-only";` (Next then
 * refuses to bundle it for the browser; lib/process/node-commands.ts gives Node processes the condition).
 */
const LOADED_WITHOUT_THE_CONDITION: Record<string, string> = {
  "lib/db/scratch-database.ts": "the Playwright runner's global setup creates the e2e database with it",
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

describe("server modules", () => {
  it('start with import "server-only" when they reach the database, the queue, an endpoint or the session', () => {
    const missing = sources("lib").filter((file) => {
      const text = readFileSync(file, "utf8");
      if (!SERVER_DEPENDENCY.test(text) || LOADED_WITHOUT_THE_CONDITION[file]) return false;
      const firstImport = /^import [^\n]*/m.exec(text)?.[0];
      return firstImport !== 'import "server-only";';
    });
    expect(missing).toEqual([]);
  });
});
