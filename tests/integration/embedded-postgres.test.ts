import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort, startOrAttachEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";

const canConnect = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

describe.skipIf(Boolean(process.env.DATABASE_URL))("the embedded PostgreSQL shared by MedPref processes", () => {
  const started: EmbeddedDatabase[] = [];
  let home: string;
  afterAll(async () => {
    for (const s of started) await s.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it("is started by whichever process comes first; the others connect to it", async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-shared-"));
    const preferredPort = await findFreePort();
    const [a, b] = await Promise.all([
      startOrAttachEmbeddedPostgres({ home, preferredPort }),
      startOrAttachEmbeddedPostgres({ home, preferredPort }),
    ]);
    started.push(a, b);
    expect([a.owned, b.owned].sort()).toEqual([false, true]);
    expect(a.url).toBe(b.url);
    expect(await canConnect(a.url)).toBe(true);
    const third = await startOrAttachEmbeddedPostgres({ home, preferredPort });
    expect(third.owned).toBe(false);
  });

  it("stops when its owner stops, and starts again on the same data", async () => {
    const owner = started.find((s) => s.owned)!;
    const client = new pg.Client({ connectionString: owner.url });
    await client.connect();
    await client.query("CREATE TABLE kept (id int)");
    await client.end();
    await owner.stop();
    expect(await canConnect(owner.url)).toBe(false);
    const again = await startOrAttachEmbeddedPostgres({ home, preferredPort: await findFreePort() });
    started.push(again);
    expect(again.owned).toBe(true);
    const c2 = new pg.Client({ connectionString: again.url });
    await c2.connect();
    const { rows } = await c2.query("SELECT to_regclass('kept') IS NOT NULL AS kept");
    await c2.end();
    expect(rows[0].kept).toBe(true);
  });
});
