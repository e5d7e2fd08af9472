import "server-only";
import { randomBytes } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { requestClientIp } from "@/lib/auth/client-ip";
import { decodeSessionToken, encodeSessionToken } from "@/lib/auth/session-token";
import { endSession, startSession } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { linkOidcAccount, oidcProvider, recordSsoRefusal, type OidcClaims } from "@/lib/auth/oidc";
import { env } from "@/lib/config/env";
import { logger } from "@/lib/logger";

let ephemeralSecret: string | undefined;

/** NEXTAUTH_SECRET, or for a single local server a random one per process (sessions end on restart). */
export function sessionSecret(): string {
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  if (!ephemeralSecret) {
    ephemeralSecret = randomBytes(32).toString("base64url");
    logger.warn(
      "NEXTAUTH_SECRET is not set: using a random secret for this process; sessions end when it restarts and are not shared between servers.",
    );
  }
  return ephemeralSecret;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** next-auth's session cookie: `__Secure-` prefixed when the app's URL is https, as next-auth names it. */
export function sessionCookieName(): string {
  return (env().NEXTAUTH_URL ?? "").startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

export function authOptions(): NextAuthOptions {
  const e = env();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const ip = requestClientIp((name) => headerValue(req?.headers, name), e.MEDPREF_TRUSTED_PROXIES);
        const result = await signInWithPassword(credentials?.email, credentials?.password, ip);
        // next-auth passes a thrown error's message to the sign-in page.
        if (!result.ok) throw new Error(result.message);
        return result.user;
      },
    }),
  ];
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) providers.push(oidcProvider(e));
  return {
    secret: sessionSecret(),
    // The cookie lives as long as the absolute lifetime; the server-side session row decides
    // (lib/auth/sessions.ts: idle timeout, absolute lifetime, sign-out).
    session: { strategy: "jwt", maxAge: e.MEDPREF_SESSION_MAX_HOURS * 60 * 60 },
    jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
    pages: { signIn: "/login", error: "/login" },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        // SSO signs in existing, active MedPref accounts only: an admin invites by email first.
        const claims = profile as OidcClaims | undefined;
        const identity = { subject: account.providerAccountId, email: user.email ?? null };
        const linked = await linkOidcAccount({ ...identity, emailVerified: claims?.email_verified });
        if (!linked.ok) {
          await recordSsoRefusal({ ...identity, reason: linked.reason, userId: linked.userId });
          return `/login?error=${linked.reason}`;
        }
        user.id = linked.id;
        return true;
      },
      async jwt({ token, user, account }) {
        // Only the user id and the server-side session's id travel in the token; role, active
        // and the session itself are read from the database on every request (lib/auth/guard.ts),
        // so changes and sign-outs apply at once.
        if (user) {
          token.sub = user.id;
          token.sid = await startSession(user.id);
        }
        // Sign-out then also ends the provider's session (lib/auth/oidc.ts providerSignOutUrl).
        if (account) token.sso = account.provider === "oidc";
        return token;
      },
      async session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, sid: token.sid });
        (session as { sso?: boolean }).sso = token.sso === true;
        return session;
      },
    },
    events: {
      // Sign-out ends the session on the server too: a copy of the cookie is worthless afterwards.
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid === "string") await endSession(sid);
      },
    },
    logger: {
      error: (code, metadata) =>
        logger.error({ code, metadata: metadata instanceof Error ? metadata.message : undefined }, "next-auth error"),
      warn: (code) => logger.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
  };
}
