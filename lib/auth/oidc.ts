import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { writeAudit } from "@/lib/audit/audit-entry";
import type { Env } from "@/lib/config/env";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { logger } from "@/lib/logger";

/**
 * Institutional sign-in (OpenID Connect, authorization code flow with PKCE and state). Works with
 * any conforming provider: the email is read from the ID token when it is there, else from the
 * userinfo endpoint (where providers such as oidc-provider, Keycloak and Okta put it by default).
 */
export const OIDC_SCOPES = "openid email profile";

export interface OidcClaims {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

export function oidcProvider(
  e: Pick<Env, "OIDC_ISSUER" | "OIDC_CLIENT_ID" | "OIDC_CLIENT_SECRET" | "OIDC_DISPLAY_NAME">,
): OAuthConfig<OidcClaims> {
  return {
    id: "oidc",
    name: e.OIDC_DISPLAY_NAME,
    type: "oauth",
    wellKnown: `${e.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: OIDC_SCOPES } },
    idToken: true,
    checks: ["pkce", "state"],
    userinfo: {
      // The ID token's claims (verified by openid-client), completed from userinfo when the ID
      // token lacks the email; openid-client checks that userinfo's `sub` is the ID token's.
      async request({ tokens, client }) {
        // At run time `tokens` is openid-client's TokenSet (next-auth types it as plain params).
        const tokenSet = tokens as unknown as { claims(): OidcClaims; access_token?: string };
        const fromIdToken = tokenSet.claims();
        if (fromIdToken.email || !tokenSet.access_token) return fromIdToken as never;
        const fromUserinfo = (await client.userinfo(tokenSet as never)) as unknown as Partial<OidcClaims>;
        return { ...fromUserinfo, ...stripUndefined(fromIdToken) } as never;
      },
    },
    profile(profile) {
      return {
        id: profile.sub,
        email: profile.email ?? null,
        name: profile.name ?? profile.email ?? profile.sub,
        emailVerified: profile.email_verified,
      } as never;
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Why an SSO identity may not sign in; each has its own message on the sign-in page. */
export type SsoRefusal = "SsoNoEmail" | "SsoEmailUnverified" | "SsoUnknown" | "SsoDeactivated" | "SsoLinkedElsewhere";

export const SSO_MESSAGES: Record<SsoRefusal, string> = {
  SsoNoEmail:
    "Your institutional sign-in did not share an email address, so MedPref cannot find your account. Ask your identity provider's administrator to release the email claim to MedPref.",
  SsoEmailUnverified:
    "Your institutional account's email address is not verified by your identity provider, so MedPref cannot link it to your account.",
  SsoUnknown: "No MedPref account uses your institutional email address. Ask a MedPref admin to invite that address, then sign in again.",
  SsoDeactivated: "Your MedPref account is deactivated. A MedPref admin can reactivate it.",
  SsoLinkedElsewhere:
    "The MedPref account with your email address is already linked to another institutional identity. Ask a MedPref admin to check the account.",
};

type LinkResult = { ok: true; id: string } | { ok: false; reason: SsoRefusal; userId: string | null };

/**
 * Finds the MedPref account for an SSO identity: by its subject once linked, else by email for an
 * active account not yet linked (then links it). Email rule: a claim the provider marks
 * `email_verified: false` is not used; a missing `email_verified` is accepted (many institutional
 * providers omit it), since the email only finds an account an admin created for that address.
 */
export async function linkOidcAccount({
  subject,
  email,
  emailVerified,
}: {
  subject: string;
  email: string | null;
  emailVerified?: boolean | string;
}): Promise<LinkResult> {
  const bySubject = await db().user.findUnique({ where: { oidcSubject: subject }, select: { id: true, active: true, isExternal: true } });
  if (bySubject) {
    if (bySubject.isExternal) return { ok: false, reason: "SsoUnknown", userId: bySubject.id };
    return bySubject.active ? { ok: true, id: bySubject.id } : { ok: false, reason: "SsoDeactivated", userId: bySubject.id };
  }
  if (!email) return { ok: false, reason: "SsoNoEmail", userId: null };
  if (emailVerified === false || emailVerified === "false") return { ok: false, reason: "SsoEmailUnverified", userId: null };
  const byEmail = await db().user.findUnique({
    where: { email: email.toLowerCase() },
    select: { id: true, active: true, isExternal: true, oidcSubject: true },
  });
  if (!byEmail || byEmail.isExternal) return { ok: false, reason: "SsoUnknown", userId: null };
  if (!byEmail.active) return { ok: false, reason: "SsoDeactivated", userId: byEmail.id };
  if (byEmail.oidcSubject) return { ok: false, reason: "SsoLinkedElsewhere", userId: byEmail.id };
  await withTransaction(
    async (tx) => {
      await tx.user.update({ where: { id: byEmail.id }, data: { oidcSubject: subject, lastLoginAt: new Date() } });
      await writeAudit(tx, {
        actorId: byEmail.id,
        action: "user.sso-link",
        entityType: "user",
        entityId: byEmail.id,
        after: { oidcSubject: subject },
      });
    },
    { via: "prisma" },
  );
  return { ok: true, id: byEmail.id };
}

/** A refused SSO attempt goes to the log and the audit log (admins see it under user.sso-refused). */
export async function recordSsoRefusal(refusal: {
  reason: SsoRefusal;
  userId: string | null;
  subject: string;
  email: string | null;
}): Promise<void> {
  logger.warn({ reason: refusal.reason, userId: refusal.userId, subject: refusal.subject }, "institutional sign-in refused");
  await writeAudit(pool(), {
    actorId: refusal.userId,
    action: "user.sso-refused",
    entityType: "user",
    entityId: refusal.userId,
    after: { reason: refusal.reason, subject: refusal.subject, email: refusal.email },
  });
}

let discovery: { issuer: string; at: number; endSession: string | null } | undefined;
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * Where sign-out sends a person who signed in with SSO, so the provider's session ends too
 * (OpenID RP-Initiated Logout): the provider's end_session_endpoint with client_id and the
 * sign-in page as post_logout_redirect_uri; null when the provider offers no such endpoint.
 */
export async function providerSignOutUrl(e: Pick<Env, "OIDC_ISSUER" | "OIDC_CLIENT_ID" | "NEXTAUTH_URL">): Promise<string | null> {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID) return null;
  const issuer = e.OIDC_ISSUER.replace(/\/$/, "");
  if (!discovery || discovery.issuer !== issuer || Date.now() - discovery.at > DISCOVERY_TTL_MS) {
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      const doc = (await res.json()) as { end_session_endpoint?: unknown };
      discovery = { issuer, at: Date.now(), endSession: typeof doc.end_session_endpoint === "string" ? doc.end_session_endpoint : null };
    } catch (error) {
      logger.warn(
        { err: (error as Error).message },
        "could not read the OpenID provider's discovery document; signing out of MedPref only",
      );
      return null;
    }
  }
  if (!discovery.endSession) return null;
  const url = new URL(discovery.endSession);
  url.searchParams.set("client_id", e.OIDC_CLIENT_ID);
  if (e.NEXTAUTH_URL) url.searchParams.set("post_logout_redirect_uri", new URL("/login", e.NEXTAUTH_URL).toString());
  return url.toString();
}
