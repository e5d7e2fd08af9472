import { type Browser, type BrowserContext, type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { E2E_ANNOTATE_PROJECT, E2E_BASE_URL, E2E_PASSWORD, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

/**
 * Replays a saved copy of a session cookie from a fresh browser: what an attacker holding the
 * cookie would get from a route handler (`api`) and from a page (where it ends up).
 */
async function replay(browser: Browser, saved: BrowserContext, api: string, pagePath: string) {
  const context = await browser.newContext({ baseURL: E2E_BASE_URL });
  await context.addCookies(await saved.cookies());
  const apiStatus = (await context.request.get(api)).status();
  const page = await context.request.get(pagePath);
  const landed = new URL(page.url()).pathname;
  await context.close();
  return { api: apiStatus, landed };
}

// Each test signs in two or three times (argon2id each): room for a busy machine.
test.describe.configure({ timeout: 180_000 });

const CLINICIAN_API = `/api/projects/${E2E_ANNOTATE_PROJECT}/annotation/progress`;

test("signing out ends the session on the server: a saved copy of the cookie gets 401 and the sign-in page", async ({
  page,
  browser,
  signIn,
}) => {
  await signIn("leaver");
  const saved = await browser.newContext();
  await saved.addCookies(await page.context().cookies());
  expect(await replay(browser, saved, CLINICIAN_API, "/annotate")).toEqual({ api: 200, landed: "/annotate" });
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await replay(browser, saved, CLINICIAN_API, "/annotate")).toEqual({ api: 401, landed: "/login" });
  await saved.close();
});

test("an admin's password reset ends the user's sessions at once", async ({ page, browser, signIn }) => {
  await signIn("resettee");
  expect(await replay(browser, page.context(), CLINICIAN_API, "/annotate")).toEqual({ api: 200, landed: "/annotate" });
  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn("admin", { page: adminPage });
  await adminPage.goto("/admin/users");
  await adminPage.getByRole("button", { name: `Reset password of ${E2E_USERS.resettee.email}` }).click();
  await expect(adminPage.getByText(/New password \(shown once\): .+\. Their sessions have ended\./)).toBeVisible({ timeout: 60_000 });
  await admin.close();
  expect(await replay(browser, page.context(), CLINICIAN_API, "/annotate")).toEqual({ api: 401, landed: "/login" });
  await page.goto(`/annotate/${E2E_ANNOTATE_PROJECT}`);
  await expect(page).toHaveURL(/\/login$/);
});

test("sign out everywhere ends the user's sessions on every device", async ({ page, browser, signIn }) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn("roamer", { page: otherPage });
  await signIn("roamer");
  expect(await replay(browser, other, "/api/exports", "/exports")).toEqual({ api: 200, landed: "/exports" });
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await replay(browser, other, "/api/exports", "/exports")).toEqual({ api: 401, landed: "/login" });
  await otherPage.goto("/exports");
  await expect(otherPage).toHaveURL(/\/login$/);
  const [entry] = await queryE2eDatabase<{ after: { sessionsEnded: number } }>(
    `SELECT a.after FROM audit_log a JOIN users u ON u.id = a.entity_id::uuid WHERE a.action = 'user.sign-out-everywhere' AND u.email = $1`,
    [E2E_USERS.roamer.email],
  );
  expect(entry?.after).toEqual({ sessionsEnded: 2 });
  await other.close();
});

const rankedLabels = (page: Page) =>
  page
    .getByRole("list", { name: "Ranked responses, best first" })
    .locator("li[data-candidate-label]")
    .evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-candidate-label"))));

async function storedDraft(email: string) {
  const [row] = await queryE2eDatabase<{ draft: { tiers: string[][] } | null }>(
    `SELECT a.draft FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.status = 'ACTIVE'`,
    [email],
  );
  return row?.draft?.tiers.length ?? 0;
}

test("a clinician whose session ends idle mid-ranking loses nothing: the draft kept on the device is saved after signing in again", async ({
  page,
  signIn,
}) => {
  await signIn("drafter");
  await page.goto(`/annotate/${E2E_ANNOTATE_PROJECT}`);
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  for (const key of ["3", "1"]) {
    await page.keyboard.press(key);
    await page.keyboard.press("Enter");
  }
  await expect(page.getByText(/Draft saved/)).toBeVisible();
  await expect.poll(() => storedDraft(E2E_USERS.drafter.email)).toBe(2);
  // The idle timeout passes: the session was last used two hours ago.
  await queryE2eDatabase(
    `UPDATE user_sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
    [E2E_USERS.drafter.email],
  );
  await page.keyboard.press("4");
  await page.keyboard.press("Enter");
  await expect.poll(() => rankedLabels(page)).toEqual([3, 1, 4]);
  await expect(page.getByText("Your session ended. Your draft is kept on this device:")).toBeVisible();
  expect(await storedDraft(E2E_USERS.drafter.email)).toBe(2);

  await page.getByRole("link", { name: "sign in again" }).click();
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByLabel("Email").fill(E2E_USERS.drafter.email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/annotate/${E2E_ANNOTATE_PROJECT}$`), { timeout: 60_000 });
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
  await expect.poll(() => rankedLabels(page)).toEqual([3, 1, 4]);
  await expect.poll(() => storedDraft(E2E_USERS.drafter.email)).toBe(3);
  await expect(page.getByText(/Draft saved/)).toBeVisible();
});
