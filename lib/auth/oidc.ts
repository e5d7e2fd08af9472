import { recordAudit } from "@/lib/audit/audit-entry";
import { db } from "@/lib/db/prisma";

/**
 * Finds the MedPref account for an SSO identity: by its subject once linked, else by email for
 * an active account not yet linked (then links it). Returns null when no account may sign in.
 */
export async function linkOidcAccount({ subject, email }: { subject: string; email: string | null }) {
  const bySubject = await db().user.findUnique({ where: { oidcSubject: subject }, select: { id: true, active: true, isExternal: true } });
  if (bySubject) return bySubject.active && !bySubject.isExternal ? { id: bySubject.id } : null;
  if (!email) return null;
  const byEmail = await db().user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, active: true, isExternal: true, oidcSubject: true } });
  if (!byEmail || !byEmail.active || byEmail.isExternal || byEmail.oidcSubject) return null;
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: byEmail.id }, data: { oidcSubject: subject, lastLoginAt: new Date() } });
    await recordAudit(tx, { actorId: byEmail.id, action: "user.sso-link", entityType: "user", entityId: byEmail.id, after: { oidcSubject: subject } });
  });
  return { id: byEmail.id };
}
