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
export const API_TOKEN_SCOPES = [
  "projects:read",
  "runs:read",
  "runs:write",
  "endpoints:read",
  "endpoints:write",
  "templates:read",
  "exports:read",
] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
const TOKEN_PREFIX = "mpt_";

/**
 * The roles whose tokens may carry each scope: the roles that may do the same in the app (the
 * pages and actions behind it), so a token never lets its owner do more than the UI does.
 */
export const SCOPE_ROLES: Record<ApiTokenScope, readonly Role[]> = {
  "projects:read": ["ADMIN", "RESEARCHER"],
  "runs:read": ["ADMIN", "RESEARCHER"],
  "runs:write": ["ADMIN"],
  "endpoints:read": ["ADMIN"],
  "endpoints:write": ["ADMIN"],
  "templates:read": ["ADMIN"],
  "exports:read": ["ADMIN", "RESEARCHER"],
};

/** The scopes a user of this role may give a token. */
export function scopesForRole(role: Role): ApiTokenScope[] {
  return API_TOKEN_SCOPES.filter((s) => SCOPE_ROLES[s].includes(role));
}

export const createApiTokenInput = z.object({
  name: safeName().trim().min(1, "name the token (e.g. the machine or script using it)").max(100),
  expiresInDays: z.coerce.number().int().min(1).max(3650).nullable().default(null),
  // Tokens made before scopes could be chosen read exports only: that stays the default.
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES, { error: (i) => `"${String(i.input)}" is not a scope (${API_TOKEN_SCOPES.join(", ")})` }))
    .min(1, "choose at least one scope")
    .default(["exports:read"]),
});

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a token for the user; a scope the user's role may not use is refused (422 naming `scopes`). */
export async function createApiToken(
  owner: { id: string; role: Role },
  input: z.input<typeof createApiTokenInput>,
): Promise<{ id: string; token: string }> {
  const { name, expiresInDays, scopes: chosen } = createApiTokenInput.parse(input);
  const scopes = [...new Set(chosen)];
  const refused = scopes.filter((s) => !SCOPE_ROLES[s].includes(owner.role));
  if (refused.length > 0)
    throw new AppError(
      "INVALID_INPUT",
      `scopes: a ${owner.role.toLowerCase()} cannot give a token ${refused.join(", ")} (allowed: ${scopesForRole(owner.role).join(", ") || "none"}).`,
      "scopes",
    );
  const userId = owner.id;
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const created = await withTransaction(
    async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          userId,
          name,
          tokenHash: hashToken(token),
          prefix: token.slice(0, 12),
          scopes,
          expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
        },
      });
      await writeAudit(tx, {
        actorId: userId,
        action: "api-token.create",
        entityType: "api_token",
        entityId: row.id,
        after: { name, prefix: row.prefix, expiresAt: row.expiresAt, scopes },
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

/** `forbidden`: a valid token that lacks the scope (403, not 401: it is known who asks). */
export type BearerCheck = { ok: true; user: TokenUser } | { ok: false; reason: string; forbidden?: true };

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
  if (!row.scopes.includes(scope)) return { ok: false, reason: `This API token lacks the ${scope} scope.`, forbidden: true };
  return { ok: true, user: { id: row.id, email: row.email, name: row.name, role: row.role, specialties: row.specialties } };
}
