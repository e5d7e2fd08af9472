import { beforeAll, describe, expect, it } from "vitest";
import { passwordHashBudget } from "@/lib/auth/hash-budget";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { pool } from "@/lib/db/pool";
import { createUser } from "@/lib/users/manage-users";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

const PASSWORD = "correct horse battery";
const TOO_MANY = /^Too many failed sign-in attempts\. Try again in \d+ minutes?\.$/;

async function attemptsOf(email: string) {
  const { rows } = await pool().query<{ success: boolean; n: number }>(
    `SELECT success, count(*)::int AS n FROM login_attempts WHERE email = $1 GROUP BY 1 ORDER BY 1`,
    [email],
  );
  return rows;
}

describe("the per-account sign-in limit under parallel attempts", () => {
  it("checks at most 5 passwords for 30 parallel wrong ones, and refuses the other 25", async () => {
    const email = "raced@hospital.example";
    await createUser({ email, role: "clinician", password: PASSWORD }, null);
    const checksBefore = passwordHashBudget.started;

    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => signInWithPassword(email, `wrong ${i}`, `198.51.100.${i}`)));

    expect(passwordHashBudget.started - checksBefore).toBe(5);
    expect(results.filter((r) => !r.ok && r.message === "Wrong email or password.")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && TOO_MANY.test(r.message))).toHaveLength(25);
    expect(await attemptsOf(email)).toEqual([{ success: false, n: 5 }]);
    // The right password is refused too while the account is locked.
    expect(await signInWithPassword(email, PASSWORD, "198.51.100.200")).toEqual({ ok: false, message: expect.stringMatching(TOO_MANY) });
  });

  it("holds the per-address limit the same way: 20 checks for 40 parallel attempts on 40 accounts", async () => {
    const checksBefore = passwordHashBudget.started;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signInWithPassword(`nobody${i}@hospital.example`, "guess", "203.0.113.77")),
    );
    // Unknown accounts are checked against a dummy hash, made once per process (one more hash at most).
    expect(passwordHashBudget.started - checksBefore).toBeGreaterThanOrEqual(20);
    expect(passwordHashBudget.started - checksBefore).toBeLessThanOrEqual(21);
    expect(results.filter((r) => !r.ok && TOO_MANY.test(r.message))).toHaveLength(20);
    const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM login_attempts WHERE ip = '203.0.113.77'`);
    expect(rows[0]!.n).toBe(20);
  });

  it("records a right password as a success that does not count towards the limit", async () => {
    const email = "steady@hospital.example";
    await createUser({ email, role: "clinician", password: PASSWORD }, null);
    for (let i = 0; i < 4; i++) expect((await signInWithPassword(email, "wrong", "192.0.2.1")).ok).toBe(false);
    expect((await signInWithPassword(email, PASSWORD, "192.0.2.1")).ok).toBe(true);
    expect((await signInWithPassword(email, PASSWORD, "192.0.2.1")).ok).toBe(true);
    expect(await attemptsOf(email)).toEqual([
      { success: false, n: 4 },
      { success: true, n: 2 },
    ]);
  });
});
