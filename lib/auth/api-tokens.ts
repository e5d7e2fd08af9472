import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import { writeAudit } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { safeName } from "@/lib/text/safe-text";

/**
 * Personal API tokens for scripts (`curl -H "Authorization: Bearer mpt_…"`). Only the sha256 of a
 * token is stored; the token itself is shown once. Revoked, expired or deactivated-owner tokens
 * are refused.
 */
export const API_TOKEN_SCOPES = ["exports:read"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
const TOKEN_PREFIX = "mpt_";

export const createApiTokenInput = z.object({
  name: safeName().trim().min(1, "name the token (e.g. the machine or script using it)").max(100),
  expiresInDays: z.coerce.number().int().min(1).max(3650).nullable().default(null),
});

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken(userId: string, input: z.input<typeof createApiTokenInput>): Promise<{ id: string; token: string }> {
  const { name, expiresInDays } = createApiTokenInput.parse(input);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const created = await withTransaction(
    async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          userId,
          name,
          tokenHash: hashToken(token),
          prefix: token.slice(0, 12),
          scopes: ["exports:read"],
          expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
        },
      });
      await writeAudit(tx, {
        actorId: userId,
        action: "api-token.create",
        entityType: "api_token",
        entityId: row.id,
        after: { name, prefix: row.prefix, expiresAt: row.expiresAt },
      });
      return row;
    },
    { via: "prisma" },
  );
  return { id: created.id, token };
}

export async function listApiTokens(userId: string) {
  return db().apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
}

/** Revokes one of the user's own tokens (admins may revoke anyone's). */
export async function revokeApiToken(actor: { id: string; role: Role }, tokenId: string): Promise<void> {
  await withTransaction(
    async (tx) => {
      const token = await tx.apiToken.findUnique({ where: { id: tokenId } });
      if (!token || (token.userId !== actor.id && actor.role !== "ADMIN")) throw new AppError("NOT_FOUND", "No such token.");
      if (token.revokedAt) return;
      await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
      await writeAudit(tx, {
        actorId: actor.id,
        action: "api-token.revoke",
        entityType: "api_token",
        entityId: tokenId,
        before: { name: token.name, prefix: token.prefix },
      });
    },
    { via: "prisma" },
  );
}

export interface TokenUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  specialties: string[];
}

export type BearerCheck = { ok: true; user: TokenUser } | { ok: false; reason: string };

/** The active user behind a bearer token with the scope, or why it is refused. */
export async function userForBearerToken(token: string, scope: ApiTokenScope): Promise<BearerCheck> {
  const row = await queryOne<
    TokenUser & { tokenId: string; revokedAt: Date | null; expiresAt: Date | null; scopes: string[]; active: boolean }
  >(
    pool(),
    sql`UPDATE api_tokens t SET last_used_at = now() FROM users u
      WHERE t.token_hash = ${hashToken(token)} AND u.id = t.user_id
      RETURNING t.id AS token_id, t.revoked_at, t.expires_at, t.scopes, u.id, u.email, u.name, u.role, u.specialties, u.active AND NOT u.is_external AS active`,
  );
  if (!row) return { ok: false, reason: "Unknown API token." };
  if (row.revokedAt) return { ok: false, reason: "This API token was revoked." };
  if (row.expiresAt && row.expiresAt.getTime() < Date.now()) return { ok: false, reason: "This API token has expired." };
  if (!row.active) return { ok: false, reason: "The token's account is deactivated." };
  if (!row.scopes.includes(scope)) return { ok: false, reason: `This API token lacks the ${scope} scope.` };
  return { ok: true, user: { id: row.id, email: row.email, name: row.name, role: row.role, specialties: row.specialties } };
}
