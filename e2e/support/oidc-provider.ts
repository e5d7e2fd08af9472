import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { E2E_BASE_URL, E2E_OIDC } from "./constants";

/**
 * A real OpenID provider (oidc-provider, a certified implementation) on 127.0.0.1, on its default
 * settings: its development login form takes any account id; the ID token carries only `sub`
 * (conformIdTokenClaims), the email comes from the userinfo endpoint. Account "<id>" has the email
 * "<id>@medpref.test". Only the client registration and the scope → claim mapping are configured.
 */
export async function startOidcProvider(): Promise<{ issuer: string; close: () => Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: E2E_OIDC.clientId,
        client_secret: E2E_OIDC.clientSecret,
        redirect_uris: [`${E2E_BASE_URL}/api/auth/callback/oidc`],
        post_logout_redirect_uris: [`${E2E_BASE_URL}/login`],
      },
    ],
    claims: { email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ sub, email: `${sub}@medpref.test`, email_verified: true, name: `SSO ${sub}` }) };
    },
  });
  server.on("request", provider.callback());
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
