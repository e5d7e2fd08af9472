import { expect, test, type Page } from "@playwright/test";
import { E2E_OIDC } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

// Institutional sign-in against a real OpenID provider (oidc-provider on its defaults, started by
// the e2e setup): its ID token carries no email, so MedPref must ask the userinfo endpoint.

test.beforeEach(async ({ page }) => {
  // The provider's pages import a web font; there is no network here.
  await page.route(/fonts\.googleapis\.com/, (route) => route.abort());
});

/** Clicks the SSO button and signs in at the provider as `login` (its dev form takes any id). */
async function signInAtProvider(page: Page, login: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: E2E_OIDC.displayName }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // First use of the client: the provider asks for consent.
  const consent = page.getByRole("button", { name: "Continue" });
  await expect(consent.or(page.locator("body[data-app], main, nav").first())).toBeVisible();
  if (await consent.isVisible()) await consent.click();
}

async function sessionUser(page: Page) {
  const session = (await (await page.request.get("/api/auth/session")).json()) as { user?: { id: string } };
  if (!session.user) return null;
  const [row] = await queryE2eDatabase<{ email: string; role: string; oidc_subject: string | null }>(
    "SELECT email, role, oidc_subject FROM users WHERE id = $1",
    [session.user.id],
  );
  return row ?? null;
}

test("an invited clinician signs in through the provider, is linked, and signing out ends the provider's session", async ({ page }) => {
  await signInAtProvider(page, "e2e-sso-clinician");
  await expect(page).toHaveURL(/\/annotate$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  expect(await sessionUser(page)).toEqual({
    email: "e2e-sso-clinician@medpref.test",
    role: "CLINICIAN",
    oidc_subject: "e2e-sso-clinician",
  });
  const links = await queryE2eDatabase<{ action: string }>(
    "SELECT a.action FROM audit_log a JOIN users u ON u.id = a.entity_id::uuid WHERE u.email = $1 AND a.action LIKE 'user.sso-%'",
    ["e2e-sso-clinician@medpref.test"],
  );
  expect(links).toEqual([{ action: "user.sso-link" }]);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  // The provider's RP-initiated logout page, then back to MedPref's sign-in page.
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await sessionUser(page)).toBeNull();
  // The provider's session is gone too: its login form shows again instead of signing straight back in.
  await page.getByRole("button", { name: E2E_OIDC.displayName }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
});

test("a researcher signing in through the provider gets the researcher's pages", async ({ page }) => {
  await signInAtProvider(page, "e2e-sso-researcher");
  await expect(page).toHaveURL(/\/projects$/);
  expect(await sessionUser(page)).toEqual({
    email: "e2e-sso-researcher@medpref.test",
    role: "RESEARCHER",
    oidc_subject: "e2e-sso-researcher",
  });
  expect((await page.request.get("/admin/users")).status()).toBe(403);
});

test("an identity without a MedPref account is refused with a message saying so, logged in the audit log", async ({ page }) => {
  await signInAtProvider(page, "e2e-sso-stranger");
  await expect(page).toHaveURL(/\/login\?error=SsoUnknown$/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "No MedPref account uses your institutional email address. Ask a MedPref admin to invite that address, then sign in again.",
  );
  expect(await sessionUser(page)).toBeNull();
  const audit = await queryE2eDatabase<{ actor_id: string | null; after: unknown }>(
    "SELECT actor_id, after FROM audit_log WHERE action = 'user.sso-refused' AND after->>'subject' = $1",
    ["e2e-sso-stranger"],
  );
  expect(audit).toEqual([
    { actor_id: null, after: { reason: "SsoUnknown", subject: "e2e-sso-stranger", email: "e2e-sso-stranger@medpref.test" } },
  ]);
});

test("a deactivated account is told it is deactivated, not to ask for an invitation", async ({ page }) => {
  const [user] = await queryE2eDatabase<{ id: string }>("UPDATE users SET active = false WHERE email = $1 RETURNING id", [
    "e2e-sso-deactivated@medpref.test",
  ]);
  await signInAtProvider(page, "e2e-sso-deactivated");
  await expect(page).toHaveURL(/\/login\?error=SsoDeactivated$/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "Your MedPref account is deactivated. A MedPref admin can reactivate it.",
  );
  expect(await sessionUser(page)).toBeNull();
  const audit = await queryE2eDatabase<{ actor_id: string | null; reason: string }>(
    "SELECT actor_id, after->>'reason' AS reason FROM audit_log WHERE action = 'user.sso-refused' AND entity_id = $1",
    [user!.id],
  );
  expect(audit).toEqual([{ actor_id: user!.id, reason: "SsoDeactivated" }]);
});
