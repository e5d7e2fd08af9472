import { beforeAll, describe, expect, it } from "vitest";
import { linkOidcAccount, recordSsoRefusal } from "@/lib/auth/oidc";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { createUser, setUserActive } from "@/lib/users/manage-users";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

let n = 0;
const invite = async (over: { active?: boolean; subject?: string } = {}) => {
  const email = `sso${++n}@hospital.example`;
  const { user } = await createUser({ email, role: "clinician", name: `SSO ${n}` }, null);
  if (over.subject) await db().user.update({ where: { id: user.id }, data: { oidcSubject: over.subject } });
  if (over.active === false) await setUserActive(user.id, false, null);
  return { id: user.id, email };
};

describe("which SSO identity signs in to which account", () => {
  it("links an invited account by email on the first sign-in (email case ignored), then finds it by subject", async () => {
    const { id, email } = await invite();
    expect(await linkOidcAccount({ subject: "sub-a", email: email.toUpperCase(), emailVerified: true })).toEqual({ ok: true, id });
    expect(await linkOidcAccount({ subject: "sub-a", email: null })).toEqual({ ok: true, id });
    const audit = await pool().query("SELECT action, after FROM audit_log WHERE entity_id = $1 AND action LIKE 'user.sso%'", [id]);
    expect(audit.rows).toEqual([{ action: "user.sso-link", after: { oidcSubject: "sub-a" } }]);
  });

  it("accepts a missing email_verified, refuses email_verified false", async () => {
    const missing = await invite();
    expect(await linkOidcAccount({ subject: "sub-b", email: missing.email })).toEqual({ ok: true, id: missing.id });
    const unverified = await invite();
    expect(await linkOidcAccount({ subject: "sub-c", email: unverified.email, emailVerified: false })).toEqual({
      ok: false,
      reason: "SsoEmailUnverified",
      userId: null,
    });
    expect(await linkOidcAccount({ subject: "sub-c", email: unverified.email, emailVerified: "false" })).toEqual({
      ok: false,
      reason: "SsoEmailUnverified",
      userId: null,
    });
  });

  it("tells apart no email, no account, a deactivated account (by email or subject) and an account linked to another identity", async () => {
    expect(await linkOidcAccount({ subject: "sub-d", email: null })).toEqual({ ok: false, reason: "SsoNoEmail", userId: null });
    expect(await linkOidcAccount({ subject: "sub-e", email: "stranger@hospital.example" })).toEqual({
      ok: false,
      reason: "SsoUnknown",
      userId: null,
    });
    const gone = await invite({ active: false });
    expect(await linkOidcAccount({ subject: "sub-f", email: gone.email })).toEqual({
      ok: false,
      reason: "SsoDeactivated",
      userId: gone.id,
    });
    const goneLinked = await invite({ subject: "sub-g", active: false });
    expect(await linkOidcAccount({ subject: "sub-g", email: goneLinked.email })).toEqual({
      ok: false,
      reason: "SsoDeactivated",
      userId: goneLinked.id,
    });
    const linked = await invite({ subject: "sub-h" });
    expect(await linkOidcAccount({ subject: "sub-other", email: linked.email })).toEqual({
      ok: false,
      reason: "SsoLinkedElsewhere",
      userId: linked.id,
    });
    const after = await db().user.findUniqueOrThrow({ where: { id: linked.id } });
    expect(after.oidcSubject).toBe("sub-h");
  });

  it("writes a refused attempt to the audit log with its reason", async () => {
    const gone = await invite({ active: false });
    await recordSsoRefusal({ reason: "SsoDeactivated", userId: gone.id, subject: "sub-i", email: gone.email });
    const audit = await pool().query("SELECT actor_id, entity_type, entity_id, after FROM audit_log WHERE action = 'user.sso-refused'");
    expect(audit.rows).toEqual([
      {
        actor_id: gone.id,
        entity_type: "user",
        entity_id: gone.id,
        after: { reason: "SsoDeactivated", subject: "sub-i", email: gone.email },
      },
    ]);
  });
});
