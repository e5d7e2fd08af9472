import fs from "node:fs";
import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_PROJECT, E2E_JUDGE_KEY_ENV, E2E_STATE_FILE, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import { pairTimesLine, verifyByKeyboard } from "./support/pair-task";

const state = () => JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { fakeOpenAIUrl: string };

/**
 * Issue 17's whole loop in the browser: an admin makes a verification set from the agreement project's
 * judge run; two clinicians verify its pairs with the keyboard; the admin reads the outcomes and exports
 * the verified benchmark; a researcher scores a reward model on it from the exported file; the admin
 * evaluates an LLM endpoint as a judge on the same pairs; both appear on the leaderboard and its chart.
 */
test("judge run → verification set → clinicians' votes → verified benchmark → reward-model scores and an LLM judge → leaderboard", async ({
  page,
  browser,
  signIn,
}) => {
  test.setTimeout(300_000);
  // 1. The admin creates a set of four pairs (k = 2, m = 2; disputed pairs left out).
  await signIn("admin");
  await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}/verification`);
  const form = page.getByRole("region", { name: "New verification set" });
  await form.getByRole("combobox", { name: "Source", exact: true }).selectOption({ index: 0 });
  await form.getByRole("textbox", { name: "Name (optional)" }).fill("E2E loop");
  await form.getByRole("spinbutton", { name: "Pairs", exact: true }).fill("4");
  await form.getByRole("combobox", { name: "Strategy (judge runs)" }).selectOption("best-worst");
  await form.getByRole("button", { name: "Create verification set" }).click();
  await expect(page).toHaveURL(/\/verification\/[0-9a-f-]{36}$/);
  const setUrl = page.url();
  const setId = setUrl.split("/").at(-1)!;
  await expect(page.getByText("votes still missing").locator("..")).toContainText("Pending4");

  // 2. Two clinicians answer every pair with the keyboard. Both prefer the shorter response: "Answer j to …" of the
  //    j-th model, whose text is longer for every later model (a rule blind to the A/B order); the second
  //    clinician goes the other way on their first pair.
  const modelIndex = (text: string) => Number(/Answer (\d+) to/.exec(text)![1]);
  const shorter = (t: { A: string; B: string }) => (modelIndex(t.A) < modelIndex(t.B) ? "a" : "b");
  const times: number[] = [];
  for (const [who, pick] of [
    ["verifierWide", shorter],
    ["verifierPhone", (t: { A: string; B: string }, n: number) => (n === 1 ? (shorter(t) === "a" ? "b" : "a") : shorter(t))],
  ] as const) {
    const context = await browser.newContext({
      viewport: who === "verifierPhone" ? { width: 390, height: 844 } : { width: 1920, height: 1080 },
    });
    const clinician = await context.newPage();
    await signIn(who, { page: clinician });
    times.push(...(await verifyByKeyboard(clinician, `/annotate/${E2E_AGREEMENT_PROJECT}/verify/${setId}`, pick)));
    await context.close();
  }
  expect(times).toHaveLength(8);
  console.log(`[verification loop] time per pair (keyboard): ${pairTimesLine(times)}`);

  // The votes stored are what the keys meant: CHOSEN exactly where the judge's chosen completion is the shorter.
  const votes = await queryE2eDatabase<{ pair: string; email: string; vote: string; chosenShorter: boolean; outcome: string }>(
    `SELECT v.id AS pair, u.email, o.vote::text AS vote, c.position < r.position AS "chosenShorter", v.outcome::text AS outcome
       FROM verification_votes o JOIN verification_pairs v ON v.id = o.pair_id JOIN users u ON u.id = o.user_id
       JOIN completions c ON c.id = v.chosen_completion_id JOIN completions r ON r.id = v.rejected_completion_id
      WHERE v.set_id = $1 ORDER BY v.position, u.email`,
    [setId],
  );
  expect(votes).toHaveLength(8);
  const wide = votes.filter((v) => v.email === E2E_USERS.verifierWide.email);
  expect(wide.map((v) => v.vote)).toEqual(wide.map((v) => (v.chosenShorter ? "CHOSEN" : "REJECTED")));
  const outcomes = [...new Set(votes.map((v) => `${v.pair}:${v.outcome}`))].map((s) => s.split(":")[1]);
  expect(outcomes.filter((o) => o === "DISPUTED")).toHaveLength(1);
  const verified = outcomes.filter((o) => o === "VERIFIED").length;
  const overturned = outcomes.filter((o) => o === "OVERTURNED").length;
  expect(verified + overturned).toBe(3);

  // 3. The admin reads the outcomes and the clinicians' agreement (3 of 4 pairs), and exports the benchmark.
  await page.reload();
  const stat = (label: string) => page.getByText(label, { exact: true }).first().locator("..");
  await expect(stat("Verified")).toContainText(`${verified}of 4 pairs`);
  await expect(stat("Overturned")).toContainText(String(overturned));
  await expect(stat("Disputed")).toContainText("1");
  await expect(stat("Pending")).toContainText("0");
  const agreement = page.getByRole("table", { name: "Agreement with 95% bootstrap intervals" });
  await expect(agreement.getByRole("row", { name: /Clinicians with each other: agreement/ })).toContainText("75.0%");
  const benchmark = page.getByRole("region", { name: "Verified benchmark" });
  await benchmark.getByRole("combobox", { name: "File type" }).selectOption("jsonl");
  await benchmark.getByRole("button", { name: "Export verified benchmark" }).click();
  await benchmark.getByRole("link", { name: "Open the export" }).click();
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  const exportUrl = page.url();

  // 4. A researcher reads the benchmark file and scores a reward model on it: right on two pairs, a tie on one.
  const context = await browser.newContext();
  const researcher = await context.newPage();
  await signIn("researcher", { page: researcher });
  await researcher.goto(exportUrl);
  const href = await researcher.getByRole("link", { name: "data/test.jsonl", exact: true }).getAttribute("href");
  const rows = (await (await researcher.request.get(href!)).text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { pair: string });
  expect(rows).toHaveLength(3);
  const scores = rows.map((r, i) =>
    JSON.stringify({ pair_id: r.pair, chosen_score: i === 0 ? 0.5 : 0.9, rejected_score: i === 0 ? 0.5 : 0.1 }),
  );
  await researcher.goto(`/leaderboards/set/${setId}`);
  const upload = researcher.getByRole("region", { name: "Evaluate a reward model" });
  await upload.getByLabel("Model name").fill("Loop RM");
  await upload
    .getByLabel("Score file (JSONL)")
    .setInputFiles({ name: "scores.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(scores.join("\n") + "\n") });
  await upload.getByRole("button", { name: "Evaluate" }).click();
  // (2 + ½) / 3
  await expect(upload.getByRole("status")).toHaveText(/Evaluated "Loop RM" on 3 pairs of E2E loop v\d+: accuracy 83\.3%/);
  // Researchers do not start judge runs.
  await expect(researcher.getByRole("region", { name: "Evaluate an LLM judge" })).toHaveCount(0);
  await context.close();

  // 5. The admin evaluates an LLM endpoint as a judge on the same pairs. The fake judge sees no quality marker
  //    in these texts and prefers the response shown first: in both orders, so one half on every pair.
  await page.goto("/admin/judges");
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  await endpoints.getByLabel("Name", { exact: true }).fill("E2E loop judge");
  await endpoints.getByLabel("Base URL").fill(state().fakeOpenAIUrl);
  await endpoints.getByLabel("Environment variable holding the API key").fill(E2E_JUDGE_KEY_ENV);
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("status")).toHaveText("Added the endpoint E2E loop judge.");
  await page.goto(`/leaderboards/set/${setId}`);
  const judgeForm = page.getByRole("form", { name: "Evaluate an LLM judge" });
  await judgeForm.getByLabel("Name on the leaderboard").fill("Fake judge (pairwise)");
  await judgeForm.getByLabel("Endpoint").selectOption({ label: "E2E loop judge" });
  await judgeForm.getByLabel("Model").fill("judge-model");
  await judgeForm.getByLabel("Template").selectOption({ label: "Pairwise A/B comparison (v1)" });
  await judgeForm.getByRole("button", { name: "Evaluate the judge" }).click();
  await expect(judgeForm.getByRole("status")).toHaveText(
    "Started: 3 pairs, 6 calls (each pair in both orders). The leaderboard row fills in as the judge answers.",
  );

  // 6. The leaderboard: both rows and the two references, the chart with a bar and whisker each. No reload: the page follows the run.
  const table = page.getByRole("table", { name: /Reward-model leaderboard/ });
  const judgeRow = table.getByRole("row", { name: /Fake judge \(pairwise\)/ });
  await expect(judgeRow).toContainText("run completed: 6 of 6 calls answered", { timeout: 60_000 });
  await expect(judgeRow.getByRole("cell").first()).toContainText("50.0");
  await expect(
    table
      .getByRole("row", { name: /Loop RM/ })
      .getByRole("cell")
      .first(),
  ).toContainText("83.3");
  await expect(table.getByRole("row", { name: /Original judge/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Clinicians' consensus/ })).toBeVisible();
  const chart = page.getByRole("figure", { name: "Macro accuracy by model, with 95% intervals" });
  await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(4);
  await expect(chart.locator(".recharts-errorBar")).toHaveCount(4);
  const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";
  await page.screenshot({ path: `${folder}/leaderboard-with-judge-1920-light.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(judgeRow).toContainText("run completed");
  await page.screenshot({ path: `${folder}/leaderboard-with-judge-390-dark.png`, fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(setUrl);
  await expect(stat("Disputed")).toContainText("1");
  await page.screenshot({ path: `${folder}/verification-loop-set-1920-light.png`, fullPage: true });
});
