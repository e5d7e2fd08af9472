import { beforeAll, describe, expect, it } from "vitest";
import { RankingKind } from "@/generated/prisma/enums";
import { writeAudit } from "@/lib/audit/audit-entry";
import { copyTextValuesOut } from "@/lib/db/copy-to";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { execute, query, queryOne, queryRows, sql } from "@/lib/db/sql";
import { exportSnapshot, withTransaction } from "@/lib/db/transaction";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

describe("sql against PostgreSQL", () => {
  it("sends composed fragments with their parameters and maps columns to camelCase", async () => {
    const filter = sql`n > ${2} AND n <= ${sql`${4}`}`;
    const rows = await queryRows<{ n: number; doubledValue: number; label: string }>(
      pool(),
      sql`SELECT n, n * 2 AS doubled_value, ${"row-"} || n AS label FROM generate_series(1, 5) AS n WHERE ${filter} ORDER BY n`,
    );
    expect(rows).toEqual([
      { n: 3, doubledValue: 6, label: "row-3" },
      { n: 4, doubledValue: 8, label: "row-4" },
    ]);
  });

  it("passes values as parameters, never as SQL text", async () => {
    const hostile = "x'; DROP TABLE users; --";
    expect(await queryOne<{ echoed: string }>(pool(), sql`SELECT ${hostile}::text AS echoed`)).toEqual({ echoed: hostile });
    expect(await queryOne<{ n: string }>(pool(), sql`SELECT count(*) AS n FROM users`)).toEqual({ n: "0" });
  });

  it("joins a list into IN (...) and answers undefined for no row", async () => {
    const rows = await queryRows<{ n: number }>(
      pool(),
      sql`SELECT n FROM generate_series(1, 9) n WHERE n IN (${sql.join([2, 7, 11])}) ORDER BY n`,
    );
    expect(rows.map((r) => r.n)).toEqual([2, 7]);
    expect(await queryOne(pool(), sql`SELECT 1 WHERE false`)).toBeUndefined();
  });

  it("compares a generated enum value with an enum column", async () => {
    const row = await queryOne<{ same: boolean }>(pool(), sql`SELECT ${RankingKind.GOLD}::ranking_kind = 'GOLD' AS same`);
    expect(row).toEqual({ same: true });
  });

  it("reports how many rows a statement touched", async () => {
    await execute(pool(), sql`CREATE TEMP TABLE IF NOT EXISTS scratch_rows (v int)`);
    const { rowCount } = await query(pool(), sql`INSERT INTO scratch_rows SELECT generate_series(1, ${3})`);
    expect(rowCount).toBe(3);
  });

  it("runs a named (prepared) statement repeatedly with different values", async () => {
    const client = await pool().connect();
    try {
      for (const v of [1, 2, 3]) {
        const row = await queryOne<{ v: number }>(client, sql`SELECT ${v}::int + 0 AS v`, { name: "data-layer-test-echo" });
        expect(row).toEqual({ v });
      }
    } finally {
      client.release();
    }
  });
});

describe("the pool", () => {
  it("survives a checked-out client's connection ending between its queries: that client's next query fails, the pool goes on", async () => {
    const held = await pool().connect();
    const pid = (await queryOne<{ pid: number }>(held, sql`SELECT pg_backend_pid() AS pid`))!.pid;
    const ended = new Promise((resolve) => (held as unknown as { connection: NodeJS.EventEmitter }).connection.once("end", resolve));
    await execute(pool(), sql`SELECT pg_terminate_backend(${pid}::int)`);
    await ended;
    await expect(held.query("SELECT 1")).rejects.toThrow();
    held.release(true);
    expect((await queryOne<{ n: number }>(pool(), sql`SELECT 1 AS n`))!.n).toBe(1);
  });
});

describe("withTransaction", () => {
  const auditCount = async (action: string) =>
    Number((await queryOne<{ n: string }>(pool(), sql`SELECT count(*) AS n FROM audit_log WHERE action = ${action}`))!.n);

  it("commits on return and rolls back on throw (pg client)", async () => {
    await withTransaction(async (tx) => writeAudit(tx, { actorId: null, action: "test.commit", entityType: "test" }));
    await expect(
      withTransaction(async (tx) => {
        await writeAudit(tx, { actorId: null, action: "test.rollback", entityType: "test" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await auditCount("test.commit")).toBe(1);
    expect(await auditCount("test.rollback")).toBe(0);
  });

  it("commits on return and rolls back on throw (Prisma client), with the audit entry in the same transaction", async () => {
    await withTransaction(
      async (tx) => writeAudit(tx, { actorId: null, action: "test.prisma-commit", entityType: "test", after: { a: 1 } }),
      {
        via: "prisma",
      },
    );
    await expect(
      withTransaction(
        async (tx) => {
          await writeAudit(tx, { actorId: null, action: "test.prisma-rollback", entityType: "test" });
          throw new Error("boom");
        },
        { via: "prisma" },
      ),
    ).rejects.toThrow("boom");
    expect(await auditCount("test.prisma-commit")).toBe(1);
    expect(await auditCount("test.prisma-rollback")).toBe(0);
    const entry = await db().auditLog.findFirst({ where: { action: "test.prisma-commit" } });
    expect(entry).toMatchObject({ actorId: null, entityType: "test", entityId: null, before: null, after: { a: 1 } });
  });

  it("opens the isolation level and read-only mode asked for, on both kinds", async () => {
    const settings = sql`SELECT current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS read_only`;
    expect(await withTransaction(async (tx) => queryOne(tx, settings))).toEqual({ isolation: "read committed", readOnly: "off" });
    expect(await withTransaction(async (tx) => queryOne(tx, settings), { isolation: "REPEATABLE READ", readOnly: true })).toEqual({
      isolation: "repeatable read",
      readOnly: "on",
    });
    const viaPrisma = await withTransaction(
      async (tx) => tx.$queryRawUnsafe<{ isolation: string; read_only: string }[]>(settings.text, ...settings.values),
      { via: "prisma", isolation: "SERIALIZABLE", readOnly: true },
    );
    expect(viaPrisma).toEqual([{ isolation: "serializable", read_only: "on" }]);
  });

  it("refuses writes in a read-only transaction", async () => {
    await expect(
      withTransaction(async (tx) => writeAudit(tx, { actorId: null, action: "test.read-only", entityType: "test" }), { readOnly: true }),
    ).rejects.toThrow("cannot execute INSERT in a read-only transaction");
    expect(await auditCount("test.read-only")).toBe(0);
  });

  it("shares a REPEATABLE READ snapshot with a second connection: it sees the data as the first did, not what was committed since", async () => {
    const action = "test.snapshot";
    await withTransaction(async (tx) => writeAudit(tx, { actorId: null, action, entityType: "test" }));
    const count = sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}`;
    const seen = await withTransaction(
      async (tx) => {
        const first = (await queryOne<{ n: number }>(tx, count))!.n;
        const snapshot = await exportSnapshot(tx);
        // Committed after the snapshot was taken: neither connection of the snapshot sees it.
        await withTransaction(async (other) => writeAudit(other, { actorId: null, action, entityType: "test" }));
        const alongside = await withTransaction(async (other) => (await queryOne<{ n: number }>(other, count))!.n, {
          isolation: "REPEATABLE READ",
          readOnly: true,
          snapshot,
        });
        return { first, alongside, again: (await queryOne<{ n: number }>(tx, count))!.n };
      },
      { isolation: "REPEATABLE READ", readOnly: true },
    );
    expect(seen).toEqual({ first: 1, alongside: 1, again: 1 });
    expect(await auditCount(action)).toBe(2);
    await expect(withTransaction(async () => undefined, { snapshot: "00000003-0000001B-1" })).rejects.toThrow(
      "a transaction on an exported snapshot must be REPEATABLE READ or SERIALIZABLE",
    );
  });
});

describe("copyTextValuesOut", () => {
  it("streams one json column's values unescaped, whole across socket chunks, and leaves the connection usable", async () => {
    const client = await pool().connect();
    try {
      // Backslashes, quotes, newlines, tabs and non-ASCII (the text format would have escaped them), and
      // values far larger than a socket read (they arrive in pieces).
      const big = 'é\\n"\t'.repeat(60_000);
      const values: string[] = [];
      for await (const v of copyTextValuesOut(
        client,
        `SELECT json_build_object('i', i, 'text', CASE WHEN i % 2 = 0 THEN ${client.escapeLiteral(big)} ELSE E'a\\\\b\\nc' END) FROM generate_series(1, 5) i ORDER BY i`,
      ))
        values.push(v);
      expect(values.map((v) => JSON.parse(v) as { i: number; text: string })).toEqual(
        [1, 2, 3, 4, 5].map((i) => ({ i, text: i % 2 === 0 ? big : "a\\b\nc" })),
      );
      expect(values[0]).toBe('{"i" : 1, "text" : "a\\\\b\\nc"}');
      const none: string[] = [];
      for await (const v of copyTextValuesOut(client, "SELECT 'x'::text WHERE false")) none.push(v);
      expect(none).toEqual([]);
      expect((await client.query<{ n: number }>("SELECT 1 AS n")).rows).toEqual([{ n: 1 }]);
      const nulls = async () => {
        for await (const v of copyTextValuesOut(client, "SELECT NULL::json")) void v;
      };
      await expect(nulls()).rejects.toThrow("COPY binary: unexpected NULL");
    } finally {
      client.release(true);
    }
  });
});
