import AxeBuilder from "@axe-core/playwright";
import { type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_PROJECT, E2E_ANNOTATE_PROJECT, E2E_PROJECT } from "./support/constants";

// axe (WCAG 2.0/2.1/2.2 A and AA rules) on every page but the ranking screen, in light and in
// dark mode (the system setting, emulated: users here never picked a theme). Serious and
// critical violations fail the test, each printed as "rule: help — element (why)".

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
/** Which palette axe saw: the page background's brightest and darkest sRGB channel (0–255). */
const PAGE_BACKGROUND_RANGE = { light: [240, 255], dark: [0, 40] } as const;

/** The body's background in sRGB channels, read back through a canvas (Chromium reports lab()). */
async function bodyBackgroundRgb(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const context = document.createElement("canvas").getContext("2d")!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  });
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${v.id} (${v.impact}): ${v.help} — ${n.target.join(" ")}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, " ").trim()})` : ""}`,
      ),
    );
}

/** Opens each page, waits until it is drawn, runs axe; returns the problems by page. */
async function auditPages(page: Page, scheme: keyof typeof PAGE_BACKGROUND_RANGE, paths: (string | (() => Promise<string>))[]) {
  const problems: Record<string, string[]> = {};
  for (const entry of paths) {
    const path = typeof entry === "string" ? entry : await entry();
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.locator("h1").first()).toBeVisible();
    // Charts draw after hydration, once their container is measured.
    for (const chart of await page.getByRole("figure").all()) await expect(chart.locator("svg").first()).toBeVisible();
    const [low, high] = PAGE_BACKGROUND_RANGE[scheme];
    const background = await bodyBackgroundRgb(page);
    expect(Math.min(...background), `${path}: background ${background}`).toBeGreaterThanOrEqual(low);
    expect(Math.max(...background), `${path}: background ${background}`).toBeLessThanOrEqual(high);
    const found = await seriousViolations(page);
    if (found.length > 0) problems[path] = found;
  }
  return problems;
}

/**
 * The agreement dashboard never computes in the request: the first view shows "being computed" while
 * the worker does it. Wait for the stored report, so the full dashboard (and its disagreements) is audited.
 */
async function agreementReportStored(page: Page): Promise<void> {
  await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}/agreement`);
  await expect(page.getByTestId("report-age")).toBeVisible({ timeout: 60_000 });
}

/** The first link under `/prefix/<id>` on a list page. */
async function firstLink(page: Page, listPath: string, pattern: RegExp): Promise<string> {
  await page.goto(listPath);
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link matching ${pattern} on ${listPath}`).toBeTruthy();
  return href!;
}

/** An export's page: the newest export, or a small one built now. */
async function anExport(page: Page): Promise<string> {
  const exports = (await (await page.request.get("/api/exports")).json()) as { id: string }[];
  if (exports.length > 0) return `/exports/${exports[0]!.id}`;
  await page.goto("/exports");
  const form = page.getByRole("form", { name: "New export" });
  if (!(await form.isVisible())) await page.getByText("New export", { exact: true }).click();
  for (const box of await form.locator('input[name="projects"]').all()) await box.uncheck();
  await form.getByRole("checkbox", { name: "E2E agreement" }).check();
  await form.getByLabel("Name (optional)").fill("E2E accessibility export");
  await form.getByRole("button", { name: "Build export" }).click();
  await expect(page).toHaveURL(/\/exports\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  return new URL(page.url()).pathname;
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} mode`, () => {
    test.use({ colorScheme: scheme });

    test(`the login page has no serious accessibility violations (${scheme})`, async ({ page }) => {
      expect(await auditPages(page, scheme, ["/login"])).toEqual({});
    });

    test(`admin pages have no serious accessibility violations (${scheme})`, async ({ page, signIn }) => {
      // 14 pages, each analysed in full (axe takes a few seconds on the agreement dashboard).
      test.setTimeout(600_000);
      await signIn("admin");
      await agreementReportStored(page);
      const problems = await auditPages(page, scheme, [
        "/projects",
        `/projects/${E2E_AGREEMENT_PROJECT}`,
        `/projects/${E2E_AGREEMENT_PROJECT}/agreement`,
        `/projects/${E2E_AGREEMENT_PROJECT}/agreement/disagreements`,
        () => firstLink(page, `/projects/${E2E_AGREEMENT_PROJECT}/agreement/disagreements`, /\/prompts\/[0-9a-f-]{36}$/),
        `/admin/projects/${E2E_PROJECT}/import`,
        "/admin/judges",
        "/admin/users",
        "/admin/audit",
        "/runs",
        () => firstLink(page, "/runs", /^\/runs\/[0-9a-f-]{36}$/),
        "/exports",
        () => anExport(page),
        "/exports/tokens",
      ]);
      expect(problems).toEqual({});
    });

    test(`researcher pages have no serious accessibility violations (${scheme})`, async ({ page, signIn }) => {
      test.setTimeout(180_000);
      await signIn("researcher");
      await agreementReportStored(page);
      expect(await auditPages(page, scheme, ["/projects", `/projects/${E2E_AGREEMENT_PROJECT}/agreement`])).toEqual({});
    });

    test(`clinician pages have no serious accessibility violations (${scheme})`, async ({ page, signIn }) => {
      test.setTimeout(180_000);
      await signIn("clinician");
      expect(await auditPages(page, scheme, ["/annotate", `/annotate/${E2E_ANNOTATE_PROJECT}/history`])).toEqual({});
    });

    test(`the ranking screen has no serious accessibility violations (${scheme})`, async ({ page, signIn }) => {
      await signIn("clinician", { showIntro: true });
      await page.goto(`/annotate/${E2E_ANNOTATE_PROJECT}`);
      // The first-visit introduction, then the screen itself with a ranking under way.
      await expect(page.getByRole("dialog", { name: /How to rank/ })).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Start ranking" }).click();
      await expect(page.getByRole("button", { name: "Submit ranking" })).toBeVisible();
      await page.getByRole("region", { name: "Prompt" }).click();
      for (const key of ["3", "1", "4"]) await page.keyboard.press(key);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
