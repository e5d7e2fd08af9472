import { type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { queryE2eDatabase } from "./support/database";

// A page that fails on the server shows the error page (app/(app)/error.tsx inside the app's
// frame, app/global-error.tsx when the root layout itself fails): what happened, the digest an
// admin finds in the log, and a retry that recovers once the cause is gone. The failure is real:
// a table the page reads is briefly renamed away, and always restored.

async function withTableHidden(table: string, run: () => Promise<void>) {
  await queryE2eDatabase(`ALTER TABLE ${table} RENAME TO ${table}_hidden_by_test`);
  try {
    await run();
  } finally {
    await queryE2eDatabase(`ALTER TABLE IF EXISTS ${table}_hidden_by_test RENAME TO ${table}`);
  }
}

async function expectErrorPage(page: Page) {
  await expect(page.getByRole("heading", { level: 1, name: "Something went wrong" })).toBeFocused();
  await expect(page.getByText(/^Reference for an admin: \S+$/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
}

test("a page that fails shows the error page inside the app's frame, and Try again recovers it", async ({ page, signIn }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1920, height: 900 });
  await signIn("researcher");
  await withTableHidden("api_tokens", async () => {
    const response = await page.goto("/exports/tokens");
    expect(response?.status()).toBe(500);
    await expectErrorPage(page);
    // The app's navigation is still there: only the page failed.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await page.screenshot({ path: "test-results/error-page-1920-light.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "test-results/error-page-390-dark.png", fullPage: true });
  });
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();
});

test("when the root layout itself fails, the global error page stands in for the whole document", async ({ page, signIn }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn("researcher");
  await withTableHidden("user_sessions", async () => {
    const response = await page.goto("/exports");
    expect(response?.status()).toBe(500);
    await expectErrorPage(page);
    await expect(page).toHaveTitle("Something went wrong · MedPref");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "test-results/global-error-390-dark.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1920, height: 900 });
    await page.screenshot({ path: "test-results/global-error-1920-light.png", fullPage: true });
  });
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Exports" })).toBeVisible();
});
