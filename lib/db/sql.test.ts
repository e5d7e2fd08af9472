import { describe, expect, it } from "vitest";
import { beginStatement } from "@/lib/db/transaction";
import { camelCase, sql } from "@/lib/db/sql";

describe("sql tagged template", () => {
  it("numbers parameters in order of appearance", () => {
    const q = sql`SELECT * FROM t WHERE a = ${1} AND b = ${"x"} AND c = ${null}`;
    expect(q.text).toBe("SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3");
    expect(q.values).toEqual([1, "x", null]);
  });

  it("splices nested fragments and renumbers their parameters", () => {
    const inner = sql`b = ${"B"} AND c = ${"C"}`;
    const q = sql`SELECT 1 WHERE a = ${"A"} AND ${inner} AND d = ${"D"}`;
    expect(q.text).toBe("SELECT 1 WHERE a = $1 AND b = $2 AND c = $3 AND d = $4");
    expect(q.values).toEqual(["A", "B", "C", "D"]);
  });

  it("splices fragments nested several levels deep, at the start and the end", () => {
    const deepest = sql`${"z"}`;
    const middle = sql`${deepest} = ${"y"}`;
    const q = sql`${middle}`;
    expect(q.text).toBe("$1 = $2");
    expect(q.values).toEqual(["z", "y"]);
  });

  it("lets a fragment be used twice, numbering each use", () => {
    const f = sql`x = ${7}`;
    const q = sql`${f} OR ${f}`;
    expect(q.text).toBe("x = $1 OR x = $2");
    expect(q.values).toEqual([7, 7]);
  });

  it("passes arrays and objects as single parameters", () => {
    const q = sql`SELECT ${["a", "b"]}::text[], ${{ k: 1 }}::jsonb`;
    expect(q.text).toBe("SELECT $1::text[], $2::jsonb");
    expect(q.values).toEqual([["a", "b"], { k: 1 }]);
  });

  it("joins values and fragments with a separator", () => {
    expect(sql`IN (${sql.join([1, 2, 3])})`.text).toBe("IN ($1, $2, $3)");
    const q = sql`WHERE ${sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` AND `)} LIMIT ${10}`;
    expect(q.text).toBe("WHERE a = $1 AND b = $2 LIMIT $3");
    expect(q.values).toEqual([1, 2, 10]);
  });

  it("joins nothing into nothing", () => {
    const q = sql`SELECT 1${sql.join([])} WHERE x = ${5}`;
    expect(q.text).toBe("SELECT 1 WHERE x = $1");
    expect(q.values).toEqual([5]);
  });

  it("puts an empty fragment in as nothing", () => {
    expect(sql`SELECT ${1}${sql.empty}`.text).toBe("SELECT $1");
  });

  it("quotes allowed identifiers and refuses others", () => {
    expect(sql`SELECT ${sql.identifier("created_at", ["created_at", "name"])} FROM t`.text).toBe('SELECT "created_at" FROM t');
    expect(() => sql.identifier("name; DROP TABLE t", ["created_at", "name"])).toThrow('"name; DROP TABLE t" is not an allowed identifier');
  });

  it("splices constant text with sql.unsafe, adding no parameter", () => {
    const q = sql`SELECT ${sql.unsafe("count(*)")} FROM t WHERE a = ${1}`;
    expect(q.text).toBe("SELECT count(*) FROM t WHERE a = $1");
    expect(q.values).toEqual([1]);
  });

  it("makes a pg query config, named when asked", () => {
    expect(sql`SELECT ${1}`.toQuery()).toEqual({ text: "SELECT $1", values: [1] });
    expect(sql`SELECT ${1}`.toQuery("one")).toEqual({ name: "one", text: "SELECT $1", values: [1] });
  });
});

describe("column names", () => {
  it("map snake_case to camelCase", () => {
    expect(camelCase("created_at")).toBe("createdAt");
    expect(camelCase("top1_match")).toBe("top1Match");
    expect(camelCase("kendall_tau_b")).toBe("kendallTauB");
    expect(camelCase("id")).toBe("id");
    expect(camelCase("alreadyCamel")).toBe("alreadyCamel");
  });
});

describe("transaction BEGIN", () => {
  it("states isolation and read-only when asked", () => {
    expect(beginStatement()).toBe("BEGIN");
    expect(beginStatement({ isolation: "REPEATABLE READ", readOnly: true })).toBe("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    expect(beginStatement({ isolation: "SERIALIZABLE" })).toBe("BEGIN ISOLATION LEVEL SERIALIZABLE");
    expect(beginStatement({ readOnly: true })).toBe("BEGIN READ ONLY");
  });
});
