import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_ANNOTATORS, E2E_AGREEMENT_PROJECT } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

test("an admin makes a verification set from a judge run, sees its outcomes and agreement, and decides a disputed pair", async ({
  page,
  browser,
  signIn,
}) => {
  await signIn("admin");
  await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}`);
  await page.getByRole("link", { name: "Verification" }).click();
  await expect(page.getByRole("heading", { name: "Verification sets", level: 1 })).toBeVisible();
  const form = page.getByRole("region", { name: "New verification set" });
  await form.getByRole("combobox", { name: "Source", exact: true }).selectOption({ index: 0 });
  await form.getByRole("textbox", { name: "Name (optional)" }).fill("E2E verified pairs");
  await form.getByRole("spinbutton", { name: "Pairs", exact: true }).fill("8");
  await form.getByRole("combobox", { name: "Strategy (judge runs)" }).selectOption("best-worst");
  await form.getByRole("combobox", { name: "Sampling" }).selectOption("uncertain");
  await form.getByRole("combobox", { name: "Disputed pairs" }).selectOption("adjudicate");
  await form.getByRole("button", { name: "Create verification set" }).click();
  await expect(page).toHaveURL(/\/verification\/[0-9a-f-]{36}$/);
  const setId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E verified pairs v1");
  await expect(page.getByText("votes still missing").locator("..")).toContainText("8");

  // Votes cast elsewhere (two of the project's raters): pairs 1–2 upheld, 3 overturned, 4 split.
  const pairs = await queryE2eDatabase<{ id: string }>(`SELECT id FROM verification_pairs WHERE set_id = $1 ORDER BY position`, [setId]);
  const raters = await queryE2eDatabase<{ id: string }>(`SELECT id FROM users WHERE name = ANY($1) ORDER BY name LIMIT 2`, [
    E2E_AGREEMENT_ANNOTATORS,
  ]);
  const planted: [string, string, string][] = [
    ["CHOSEN", "CHOSEN", "VERIFIED"],
    ["CHOSEN", "CHOSEN", "VERIFIED"],
    ["REJECTED", "REJECTED", "OVERTURNED"],
    ["CHOSEN", "REJECTED", "DISPUTED"],
  ];
  for (const [i, [a, b, outcome]] of planted.entries()) {
    await queryE2eDatabase(
      `INSERT INTO verification_votes (pair_id, user_id, vote, rationale, imported) VALUES ($1, $2, $3, 'seen elsewhere', true), ($1, $4, $5, '', true)`,
      [pairs[i]!.id, raters[0]!.id, a, raters[1]!.id, b],
    );
    await queryE2eDatabase(`UPDATE verification_pairs SET vote_count = 2, outcome = $2 WHERE id = $1`, [pairs[i]!.id, outcome]);
  }
  await page.reload();
  const stat = (label: string) => page.getByText(label, { exact: true }).first().locator("..");
  await expect(stat("Verified")).toContainText("2of 8 pairs");
  await expect(stat("Overturned")).toContainText("1");
  await expect(stat("Disputed")).toContainText("1");
  await expect(stat("Pending")).toContainText("4");
  const agreement = page.getByRole("table", { name: "Agreement with 95% bootstrap intervals" });
  await expect(agreement.getByRole("row", { name: /Clinicians with the judge/ })).toContainText("66.7%");
  await expect(agreement.getByRole("row", { name: /Clinicians with each other: agreement/ })).toContainText("75.0%");
  const disputed = page.getByRole("region", { name: "Disputed pairs (1)" });
  // Raters by pseudonym only.
  for (const name of E2E_AGREEMENT_ANNOTATORS) await expect(disputed).not.toContainText(name);
  await expect(disputed).toContainText("seen elsewhere");
  await page.screenshot({ path: "test-results/verification-set-1920.png", fullPage: true });

  // A researcher reads the same page, without the admin's decision buttons.
  const context = await browser.newContext();
  const researcher = await context.newPage();
  await signIn("researcher", { page: researcher });
  await researcher.goto(page.url());
  await expect(researcher.getByRole("region", { name: "Disputed pairs (1)" })).toBeVisible();
  await expect(researcher.getByRole("button", { name: "Uphold judge" })).toHaveCount(0);
  await context.close();

  await disputed.getByRole("button", { name: "Uphold judge" }).click();
  await expect(disputed.getByRole("status")).toHaveText("Upheld the judge's verdict.");
  await page.reload();
  await expect(stat("Verified")).toContainText("3of 8 pairs");
  await expect(page.getByRole("region", { name: "Disputed pairs (0)" })).toContainText("No disputed pair.");
  const [decided] = await queryE2eDatabase<{ outcome: string; adjudicated: boolean }>(
    `SELECT outcome, adjudicated_by_id IS NOT NULL AS adjudicated FROM verification_pairs WHERE id = $1`,
    [pairs[3]!.id],
  );
  expect(decided).toEqual({ outcome: "VERIFIED", adjudicated: true });

  // The kept pairs (3 verified, 1 overturned) as a benchmark package, through the export job.
  const setUrl = page.url();
  const benchmark = page.getByRole("region", { name: "Verified benchmark" });
  await benchmark.getByRole("combobox", { name: "File type" }).selectOption("parquet");
  await benchmark.getByRole("button", { name: "Export verified benchmark" }).click();
  await expect(benchmark.getByRole("status")).toHaveText("Benchmark export queued.");
  await benchmark.getByRole("link", { name: "Open the export" }).click();
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  await expect(page.getByRole("link", { name: "data/test.parquet", exact: true })).toBeVisible();
  const [exported] = await queryE2eDatabase<{ rows: number }>(
    `SELECT f.rows FROM export_files f JOIN exports e ON e.id = f.export_id WHERE e.config->>'set' = $1 AND f.path = 'data/test.parquet'`,
    [setId],
  );
  expect(exported).toEqual({ rows: 4 });

  for (const [width, scheme] of [
    [390, "dark"],
    [1920, "light"],
  ] as const) {
    const shot = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const view = await shot.newPage();
    await signIn("admin", { page: view });
    await view.goto(setUrl);
    await expect(view.getByRole("heading", { level: 1 })).toHaveText("E2E verified pairs v1");
    await view.screenshot({ path: `test-results/verification-set-${width}-${scheme}.png`, fullPage: true });
    await shot.close();
  }
});
