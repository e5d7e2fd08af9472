import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { db } from "@/lib/db/prisma";
import { changeUserRole, createUser, resetUserPassword, setUserActive } from "@/lib/users/manage-users";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

const PASSWORD = "correct horse battery";
let n = 0;
const email = () => `person${++n}@hospital.example`;

describe("signing in with email and password", () => {
  it("accepts the right password, whatever the email's case", async () => {
    const address = email();
    await createUser({ email: address, role: "clinician", password: PASSWORD }, null);
    const result = await signInWithPassword(address.toUpperCase(), PASSWORD, "203.0.113.1");
    expect(result).toMatchObject({ ok: true, user: { email: address } });
  });

  it("answers a wrong password and an unknown account with the same message", async () => {
    const address = email();
    await createUser({ email: address, role: "clinician", password: PASSWORD }, null);
    const wrong = await signInWithPassword(address, "not the password", "203.0.113.2");
    const unknown = await signInWithPassword("nobody@hospital.example", PASSWORD, "203.0.113.2");
    expect(wrong).toEqual({ ok: false, message: "Wrong email or password." });
    expect(unknown).toEqual(wrong);
  });

  it("locks an account after 5 failures, even with the right password, from any address", async () => {
    const address = email();
    await createUser({ email: address, role: "researcher", password: PASSWORD }, null);
    for (let i = 0; i < 5; i++) await signInWithPassword(address, "wrong", `198.51.100.${i}`);
    const result = await signInWithPassword(address, PASSWORD, "198.51.100.99");
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(/^Too many failed sign-in attempts\. Try again in \d+ minutes?\.$/),
    });
  });

  it("throttles an address that tries many accounts", async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < 20; i++) await signInWithPassword(`guess${i}@hospital.example`, "wrong", ip);
    const address = email();
    await createUser({ email: address, role: "clinician", password: PASSWORD }, null);
    expect((await signInWithPassword(address, PASSWORD, ip)).ok).toBe(false);
    expect((await signInWithPassword(address, PASSWORD, "192.0.2.78")).ok).toBe(true);
  });

  it("refuses a deactivated account and lets it in again once reactivated", async () => {
    const address = email();
    const { user } = await createUser({ email: address, role: "clinician", password: PASSWORD }, null);
    await setUserActive(user.id, false, null);
    expect(await signInWithPassword(address, PASSWORD, "203.0.113.5")).toEqual({
      ok: false,
      message: "This account is deactivated. Ask an admin to reactivate it.",
    });
    await setUserActive(user.id, true, null);
    expect((await signInWithPassword(address, PASSWORD, "203.0.113.5")).ok).toBe(true);
  });
});

describe("managing users", () => {
  it("stores only an argon2id hash and returns a generated password once", async () => {
    const { user, password } = await createUser({ email: email(), role: "admin" }, null);
    expect(password).toMatch(/^\w{5}-\w{5}-\w{5}-\w{5}$/);
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(password!);
  });

  it("writes every change to the audit log with the state before and after", async () => {
    const admin = await createUser({ email: email(), role: "admin" }, null);
    const { user } = await createUser({ email: email(), role: "clinician" }, admin.user.id);
    await changeUserRole(user.id, "researcher", admin.user.id);
    await setUserActive(user.id, false, admin.user.id);
    await resetUserPassword(user.id, admin.user.id);
    const entries = await db().auditLog.findMany({ where: { entityId: user.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["user.create", admin.user.id],
      ["user.role", admin.user.id],
      ["user.deactivate", admin.user.id],
      ["user.password-reset", admin.user.id],
    ]);
    expect(entries[1]).toMatchObject({ before: { role: "CLINICIAN" }, after: { role: "RESEARCHER" } });
  });

  it("does not let an admin demote or deactivate themself", async () => {
    const { user } = await createUser({ email: email(), role: "admin" }, null);
    await expect(changeUserRole(user.id, "clinician", user.id)).rejects.toThrow(/cannot change the role of your own account/);
    await expect(setUserActive(user.id, false, user.id)).rejects.toThrow(/cannot deactivate your own account/);
  });

  it("refuses a second account with the same email in another case", async () => {
    const address = email();
    await createUser({ email: address, role: "clinician" }, null);
    await expect(createUser({ email: address.toUpperCase(), role: "clinician" }, null)).rejects.toThrow(/already exists/);
  });

  it("keeps audit entries append-only in the database itself", async () => {
    const { user } = await createUser({ email: email(), role: "clinician" }, null);
    const entry = await db().auditLog.findFirstOrThrow({ where: { entityId: user.id } });
    await expect(db().$executeRaw`UPDATE audit_log SET action = 'tampered' WHERE id = ${entry.id}`).rejects.toThrow(/append-only/);
  });
});
