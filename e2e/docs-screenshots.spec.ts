import { expect, test } from "./support/fixtures";
import { E2E_TIES_PROJECT } from "./support/constants";

// Not a check: refreshes the README's screenshots of the ranking screen when asked
// (MEDPREF_SCREENSHOTS=1 npx playwright test e2e/docs-screenshots.spec.ts).
test.skip(!process.env.MEDPREF_SCREENSHOTS, "set MEDPREF_SCREENSHOTS=1 to refresh docs/screenshots/");

const sizes = [
  { name: "390", width: 390, height: 844, touch: true },
  { name: "1366", width: 1366, height: 768, touch: false },
  { name: "1920", width: 1920, height: 1080, touch: false },
] as const;

for (const size of sizes) {
  for (const scheme of ["light", "dark"] as const) {
    test(`the ranking screen at ${size.name} px, ${scheme}`, async ({ browser, signIn }) => {
      const context = await browser.newContext({
        viewport: { width: size.width, height: size.height },
        hasTouch: size.touch,
        isMobile: size.touch,
        colorScheme: scheme,
      });
      const page = await context.newPage();
      await signIn("rankerDraft", { page });
      await page.goto(`/annotate/${E2E_TIES_PROJECT}`);
      await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
      await page.getByRole("region", { name: "Prompt" }).click();
      for (const key of ["3", "1", "4", "t", "6"]) await page.keyboard.press(key);
      if (size.touch) await page.getByRole("button", { name: "Rank & submit" }).click();
      await page.screenshot({ path: `docs/screenshots/ranking-${size.name}-${scheme}.png` });
      await context.close();
    });
  }
}
