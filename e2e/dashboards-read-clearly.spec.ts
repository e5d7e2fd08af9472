import { type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_MODELS, E2E_AGREEMENT_PROJECT, E2E_PASSWORD, E2E_PROJECT, E2E_USERS } from "./support/constants";

const DASHBOARD = `/projects/${E2E_AGREEMENT_PROJECT}/agreement`;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

// Each test signs in and renders charts at two widths: slow on a loaded 2-core machine.
test.describe.configure({ timeout: 180_000 });

/** Nothing sticks out of its card or makes the page scroll sideways; every chart label lies inside its chart. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    for (const section of document.querySelectorAll("main section")) {
      const box = section.getBoundingClientRect();
      if (section.scrollWidth > section.clientWidth + 1)
        problems.push(`${section.getAttribute("aria-labelledby")}: content ${section.scrollWidth} px in a ${section.clientWidth} px card`);
      for (const table of section.querySelectorAll("table")) {
        // A wide table scrolls inside its own box; that box must stay within the card.
        const holder = (table.closest(".overflow-x-auto") ?? table).getBoundingClientRect();
        if (holder.right > box.right + 1 || holder.left < box.left - 1)
          problems.push(`table "${table.getAttribute("aria-label")}" leaves its card`);
      }
    }
    for (const figure of document.querySelectorAll("figure")) {
      const box = figure.getBoundingClientRect();
      for (const label of figure.querySelectorAll("svg text")) {
        const r = label.getBoundingClientRect();
        if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1))
          problems.push(`"${label.textContent}" is cut off in "${figure.getAttribute("aria-label")}"`);
      }
    }
    return problems;
  });
}

test.describe("the agreement dashboard reads clearly at 390 and 1920 px", () => {
  for (const width of [390, 1920]) {
    test(`at ${width} px: model names whole, tables within their cards, figures explained, too few prompts said`, async ({
      page,
      signIn,
    }) => {
      await page.setViewportSize({ width, height: 900 });
      await signIn("admin");
      await page.goto(DASHBOARD);
      const strengths = page.getByRole("figure", { name: "Bradley–Terry strengths (Clinicians)" });
      await expect(strengths).toBeVisible();
      // Each model's whole name is on the axis (over several lines when long), none cut to "xtral-8x7B…".
      // Recharts draws the axis once it has measured its container: wait for the ticks, then compare.
      const ticks = () =>
        strengths
          .locator("svg text.recharts-cartesian-axis-tick-value")
          .evaluateAll((els) => els.map((e) => e.textContent).filter((t) => t && !/^-?\d/.test(t)));
      await expect.poll(async () => [...(await ticks())].sort()).toEqual([...E2E_AGREEMENT_MODELS].sort());
      await expect(page.getByRole("figure", { name: "Mean rank by shown position" })).toContainText("mean rank (1 = best");
      expect(await layoutProblems(page)).toEqual([]);

      // Each figure has its one-line explanation (hover and legend), linked to the formulas.
      const humans = page.getByRole("region", { name: "Clinicians with each other", exact: true });
      const tauRow = humans.getByRole("rowheader", { name: "Kendall's tau-b" });
      await expect(tauRow).toHaveAttribute("title", /Rank correlation/);
      await expect(tauRow).toHaveAccessibleDescription(/Rank correlation of two raters' rankings/);
      await expect(humans.getByRole("link", { name: "Formulas and definitions" })).toHaveAttribute("href", "/help/agreement");

      // Six MedQA prompts are too few: the breakdown says so instead of printing a figure.
      const medqa = page.getByRole("table", { name: "Source dataset" }).getByRole("row", { name: /^MedQA 6 \(6 compared\) Clinicians/ });
      await expect(medqa.getByText("too few prompts (6)")).toHaveCount(7);
      await expect(medqa).not.toContainText("-1.000");

      // Agreement with gold: pairwise, tau-b and top-1 per annotator (gold on agree-1 = file order).
      const annotators = page.getByRole("table", { name: "Annotators" });
      await expect(annotators.getByRole("row", { name: /Dr\. Ames/ })).toContainText(
        "pairwise 1.000 · tau-b 1.000 · top-1 100.0% (1 gold prompt)",
      );
      await expect(annotators.getByRole("row", { name: /Dr\. Chu/ })).toContainText(
        "pairwise 0.833 · tau-b 0.667 · top-1 100.0% (1 gold prompt)",
      );

      await page.screenshot({ path: `test-results/agreement-dashboard-${width}.png`, fullPage: true });
    });
  }

  test("the formulas page the explanations link to", async ({ page, signIn }) => {
    await signIn("researcher");
    await page.goto("/help/agreement");
    await expect(page.getByRole("heading", { name: "How the agreement figures are computed" })).toBeVisible();
    await expect(page.getByRole("cell", { name: /^Kendall's tau-b$/ })).toBeVisible();
  });

  test("a judge section without data says why", async ({ page, signIn }) => {
    await signIn("admin");
    await page.goto(`/projects/${E2E_PROJECT}/agreement`);
    // The first view may show the report being computed by the worker: the page updates by itself.
    await expect(page.getByRole("region", { name: "Judges against the clinicians' consensus" })).toContainText(
      "No judge has ranked prompts of this project yet: start a judge run (Runs) or import a judge's rankings",
      { timeout: 60_000 },
    );
  });
});

test.describe("the prompt list and the prompt page", () => {
  test("prompts sort naturally, and are searched and filtered on the server, page by page", async ({ page, signIn }) => {
    await signIn("researcher");
    await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}`);
    const ids = () => page.getByRole("table", { name: "Prompts" }).locator("tbody tr td:first-child div").allTextContents();
    expect(await ids()).toEqual(Array.from({ length: 12 }, (_, i) => `agree-${i}`));
    await page.getByLabel("Status").selectOption("disputed");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/status=disputed/);
    // The clinicians' best differs on the even prompts (Dr. Chu reverses them) and on agree-3 and agree-9.
    await expect.poll(ids).toEqual(["agree-0", "agree-2", "agree-3", "agree-4", "agree-6", "agree-8", "agree-9", "agree-10"]);
    await expect(page.getByRole("status").filter({ hasText: /^Prompts/ })).toHaveText("Prompts 1–8 of 8 matching");
    await page.getByRole("searchbox", { name: "Search" }).fill("question 10");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(ids).toEqual(["agree-10"]);
    await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}?status=gold`);
    expect(await ids()).toEqual(["agree-1"]);
    await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}?status=finished`);
    await expect(page.getByRole("alert").filter({ hasText: "Filter ignored" })).toHaveText(
      "Filter ignored: status: one of needs-rankings, disputed, gold, judged",
    );
  });

  for (const width of [390, 1920]) {
    test(`at ${width} px a prompt's human rankings read "1st: Response 2 · model", and admins rank gold with model names`, async ({
      page,
      signIn,
    }) => {
      await page.setViewportSize({ width, height: 900 });
      await signIn("admin");
      await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}?q=question+0`);
      await page.getByRole("link", { name: "Agreement question 0?" }).click();
      const rankings = page.getByRole("region", { name: /Human rankings/ });
      // Dr. Ames swapped the first two on agree-0: Meta-Llama first, then gpt-4.
      const ames = rankings.getByRole("listitem").filter({ hasText: "1st: Response 2 · Meta-Llama-3-70B-Instruct" });
      await expect(ames.getByRole("listitem")).toHaveText([
        "1st: Response 2 · Meta-Llama-3-70B-Instruct",
        "2nd: Response 1 · gpt-4-1106-preview",
        "3rd: Response 3 · Mixtral-8x7B-Instruct-v0.1",
        "4th: Response 4 · Qwen1.5-72B-Chat",
      ]);
      const gold = page.getByRole("region", { name: "Gold ranking" });
      await expect(gold.getByRole("list", { name: "Not ranked yet" }).getByRole("listitem")).toHaveText(
        E2E_AGREEMENT_MODELS.map((m, i) => new RegExp(`Response ${i + 1} · ${m.replace(/[.]/g, "\\.")}`)),
      );
      await expect(page.getByRole("region", { name: "Adjudication" }).getByText(`Response 3 · ${E2E_AGREEMENT_MODELS[2]}`)).toBeVisible();
      expect(await layoutProblems(page)).toEqual([]);
      await page.screenshot({ path: `test-results/prompt-page-${width}.png`, fullPage: true });
    });
  }
});

test("the audit log shows readable field changes, not JSON of ids", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/audit?action=gold.set");
  // Other specs set gold rankings too: the seeded gold ranking of agree-1 is the row looked at.
  const row = page.getByRole("table", { name: "Audit entries" }).getByRole("row").filter({ hasText: "prompt agree-1" }).first();
  await expect(row).toContainText(`tiers: ${E2E_AGREEMENT_MODELS.map((m, i) => `Response ${i + 1} · ${m}`).join(" > ")}`);
  await expect(row).toContainText("prompt agree-1");
  expect(await row.textContent()).not.toMatch(UUID);
});

test("the 404 page keeps the navigation", async ({ page, signIn }) => {
  await signIn("researcher");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" })).toBeVisible();
  const missingPrompt = await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}/prompts/00000000-0000-4000-8000-000000000000`);
  expect(missingPrompt?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // Exactly one navigation: the app's frame draws it, the not-found page does not add a second.
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(1);
});

test("signing in goes to the start page without a blank page in between", async ({ page }) => {
  await page.goto("/login");
  // Record, on every DOM change and animation frame, whether the page shows nothing at all.
  await page.evaluate(() => {
    const w = window as unknown as { blankSeen: boolean };
    w.blankSeen = false;
    const check = () => {
      if (!document.body || document.body.innerText.trim() === "") w.blankSeen = true;
    };
    new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    const frame = () => {
      check();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.getByLabel("Email").fill(E2E_USERS.researcher.email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page).toHaveURL(/\/projects$/);
  // Still the same document (a soft navigation), and it was never blank.
  expect(await page.evaluate(() => (window as unknown as { blankSeen?: boolean }).blankSeen)).toBe(false);
});
