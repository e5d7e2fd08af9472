import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { E2E_CRITIQUE_RATERS, E2E_SPAN_VIEWS_PROJECT, type E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import { expect, test, type SignIn } from "./support/fixtures";

// Spans planted by the seed (e2e/support/critiques-seed.ts): on each of 12 prompts Quill and Fenn mark
// the dose in med-model-alpha (Fenn a longer text on even prompts), on every third prompt Quill the
// invented reference in med-model-beta and Fenn the NSAID line; the judge gpt-critic marks the dose.

const DASHBOARD = `/projects/${E2E_SPAN_VIEWS_PROJECT}/agreement`;
const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";

async function promptPath(externalId: string): Promise<string> {
  const [row] = await queryE2eDatabase<{ id: string }>(
    `SELECT p.id FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = $1 AND p.external_id = $2`,
    [E2E_SPAN_VIEWS_PROJECT, externalId],
  );
  return `/projects/${E2E_SPAN_VIEWS_PROJECT}/prompts/${row!.id}`;
}

async function viewerPage(
  browser: Browser,
  signIn: SignIn,
  who: keyof typeof E2E_USERS,
  size: { width: number; height: number },
  scheme: "light" | "dark",
) {
  const context = await browser.newContext({ viewport: size, colorScheme: scheme });
  const page = await context.newPage();
  await signIn(who, { page });
  return page;
}

/** The dashboard's span cards (the rest of the dashboard is audited by e2e/accessibility.spec.ts). */
const SPAN_CARDS = ["span-agreement-heading", "judge-span-agreement-heading", "span-statistics-heading"].map(
  (id) => `section[aria-labelledby="${id}"]`,
);

/** axe's WCAG A/AA rules, as e2e/accessibility.spec.ts runs them (on the whole page, or only `within`): the serious and critical violations. */
async function seriousViolations(page: Page, within: string[] = []): Promise<string[]> {
  const axe = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]);
  for (const selector of within) axe.include(selector);
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(" ")} (${(n.failureSummary ?? "").replace(/\s+/g, " ").trim()})`),
    );
}

/** Each highlighted span's rendered text (its marks' pieces joined, screen-reader notes and markers left out), by span id. */
function markedTexts(page: Page, article: string): Promise<Record<string, string>> {
  return page.getByRole("article", { name: article }).evaluate((root) => {
    const texts: Record<string, string> = {};
    const walker = document.createTreeWalker(root.querySelector("[data-source-mapped]")!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement!.closest("[data-critique-annotation]")) continue;
      for (let mark = node.parentElement!.closest("mark[data-span-id]"); mark; mark = mark.parentElement!.closest("mark[data-span-id]")) {
        const id = mark.getAttribute("data-span-id")!;
        texts[id] = (texts[id] ?? "") + node.textContent;
      }
    }
    return texts;
  });
}

/** Each listed span's quote, by span id. */
function listedQuotes(page: Page, article: string): Promise<Record<string, string>> {
  return page
    .getByRole("article", { name: article })
    .locator("li[data-span-id]")
    .evaluateAll((items) =>
      Object.fromEntries(
        items.map((li) => [li.getAttribute("data-span-id")!, li.querySelector("blockquote")!.textContent!.replace(/^Quoted: /, "")]),
      ),
    );
}

/** The dashboard, once the worker has stored its report (the span cards show with the report). */
async function openDashboard(page: Page) {
  await page.goto(DASHBOARD);
  await expect(page.getByTestId("report-age")).toHaveText(/^Computed (just now|\d+ min ago)$/, { timeout: 60_000 });
}

test("an admin sees every rater's spans over the candidates and the span statistics and agreement (1920 px, light)", async ({
  browser,
  signIn,
}) => {
  test.setTimeout(180_000);
  const page = await viewerPage(browser, signIn, "admin", { width: 1920, height: 1080 }, "light");
  await page.goto(await promptPath("crit-0"));
  await expect(page.getByText(/the underline tells the severity/)).toBeVisible();

  // Response 1: four spans (Quill's and the judge's dose, Fenn's longer dose overlapping both, Fenn's NSAID line), stacked.
  const alpha = page.getByRole("article", { name: "Candidate 1: med-model-alpha" });
  const marked = await markedTexts(page, "Candidate 1: med-model-alpha");
  expect(Object.values(marked).sort()).toEqual([
    "500 mg every 8 h",
    "amoxicillin 500 mg",
    "amoxicillin 500 mg",
    "避免 NSAIDs with warfarin",
  ]);
  // The marks slice exactly what each list entry quotes.
  expect(await listedQuotes(page, "Candidate 1: med-model-alpha")).toEqual(marked);
  // "500 mg" lies under all three dose spans: Fenn's critical one, starting last, is the innermost.
  const innermost = alpha.locator('mark[data-span-depth="3"]');
  await expect(innermost).toHaveCount(1);
  await expect(innermost).toHaveAttribute("data-severity", "critical");
  await expect(innermost).toContainText("500 mg");
  await expect(innermost).toHaveClass(/critique-severity-critical/);
  const list = alpha.getByRole("region", { name: "Marked spans in response 1" });
  await expect(list.getByRole("heading")).toHaveText("4 marked spans by 3 raters");
  const quill = list.getByRole("listitem").filter({ hasText: "Dr. Perpetua Quill" });
  await expect(quill).toContainText("Wrong dose or unit");
  await expect(quill).toContainText("Major");
  await expect(quill).toContainText("Comment: Too low for a severe infection.");
  await expect(quill).toContainText("Suggested correction: amoxicillin 1 g every 8 h");
  await expect(list.getByRole("listitem").filter({ hasText: "Judge: " })).toContainText("gpt-critic");
  await expect(list.getByRole("listitem").filter({ hasText: "Critical" })).toContainText("Dr. Osric Fenn");
  const beta = page.getByRole("region", { name: "Marked spans in response 2" });
  await expect(beta.getByRole("listitem")).toHaveCount(1);
  await expect(beta).toContainText("Hallucinated reference");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: `${folder}/span-critiques-prompt-1920-light.png`, fullPage: true });

  await openDashboard(page);
  // 32 spans: Quill 12 doses + 4 references, Fenn 12 doses + 4 NSAID lines; critical = Fenn's 6 longer doses.
  const statistics = page.getByRole("region", { name: "Marked spans: what the clinicians found" });
  await expect(statistics.getByText("Marked spans", { exact: true }).locator("..")).toHaveText(/^Marked spans\s*32\s*by 2 clinicians$/);
  await expect(statistics.getByText("Minor", { exact: true }).locator("..")).toHaveText(/^Minor\s*4$/);
  await expect(statistics.getByText("Major", { exact: true }).locator("..")).toHaveText(/^Major\s*22$/);
  await expect(statistics.getByText("Critical", { exact: true }).locator("..")).toHaveText(/^Critical\s*6$/);
  await expect(statistics.getByRole("figure", { name: "Marked spans by model and tag" }).locator("svg").first()).toBeVisible();
  await expect(
    statistics.getByRole("table", { name: "Spans by tag and model" }).getByRole("row", { name: /Wrong dose or unit 24 0$/ }),
  ).toBeVisible();
  await expect(statistics.getByRole("table", { name: "Spans by tag and rater" })).toContainText("Dr. Perpetua Quill");
  // Clinicians: 16 marked candidates; overall F1 = 2·144 / 580, the dose's 2·144 / 420 (worked out by hand from the seed's texts).
  const clinicians = page.getByRole("region", { name: "Marked spans: clinicians with each other" });
  await expect(clinicians.getByRole("row", { name: /^All tags 16 16 0\.497 \[/ })).toBeVisible();
  await expect(clinicians.getByRole("row", { name: /Wrong dose or unit 12 12 0\.686 \[/ })).toBeVisible();
  await expect(clinicians.getByRole("row", { name: /Hallucinated reference 4 4 too few candidates \(4\)/ })).toBeVisible();
  await expect(
    clinicians
      .getByRole("figure", { name: /Span overlap F1 between clinicians/ })
      .locator("svg")
      .first(),
  ).toBeVisible();
  // The judge against both: F1 2·360 / 1012, precision 360 / 432, recall 360 / 580.
  const judges = page.getByRole("region", { name: "Marked spans: judges against the clinicians" });
  await expect(judges.getByRole("row", { name: /gpt-critic.* 12 16 0\.711 \[.*\] 0\.833 0\.621$/ })).toBeVisible();
  expect(await seriousViolations(page, SPAN_CARDS)).toEqual([]);
  await page.screenshot({ path: `${folder}/span-critiques-dashboard-1920-light.png`, fullPage: true });
  await page.context().close();
});

test("a researcher sees the spans and figures under pseudonyms only (390 px, dark)", async ({ browser, signIn }) => {
  test.setTimeout(180_000);
  const page = await viewerPage(browser, signIn, "researcher", { width: 390, height: 844 }, "dark");
  await page.goto(await promptPath("crit-0"));
  const list = page.getByRole("region", { name: "Marked spans in response 1" });
  await expect(list.getByRole("listitem")).toHaveCount(4);
  await expect(list.getByRole("listitem").filter({ hasText: /rater-[0-9a-f]{8} \(external rater\)/ })).toHaveCount(3);
  for (const name of E2E_CRITIQUE_RATERS) expect(await page.content()).not.toContain(name);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: `${folder}/span-critiques-prompt-390-dark.png`, fullPage: true });

  await openDashboard(page);
  const raters = page.getByRole("table", { name: "Spans by tag and rater" });
  await expect(raters.getByRole("columnheader", { name: /rater-[0-9a-f]{8} \(external rater\)/ })).toHaveCount(2);
  for (const name of E2E_CRITIQUE_RATERS) expect(await page.content()).not.toContain(name);
  await expect(
    page.getByRole("region", { name: "Marked spans: clinicians with each other" }).getByRole("row", { name: /^All tags 16 16 0\.497/ }),
  ).toBeVisible();
  // The whole dashboard at 390 px, its wide tables included (each a scrollable region in the tab order).
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: `${folder}/span-critiques-dashboard-390-dark.png`, fullPage: true });
  await page.context().close();
});
