import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_MODELS, E2E_AGREEMENT_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

/**
 * A verification set of the agreement project's judge run, its outcomes already decided (the
 * clinicians' pair task is another spec's): the judge's gpt-4 chosen over Qwen on each prompt,
 * overturned on every fourth, one pair pending and one disputed. Answers the kept pairs' ids.
 */
async function plantDecidedSet(): Promise<{ setId: string; kept: string[] }> {
  const [set] = await queryE2eDatabase<{ id: string }>(
    `INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
     SELECT p.id, 'Medical RewardBench (e2e)', coalesce((SELECT max(version) FROM verification_sets s WHERE s.project_id = p.id AND s.name = 'Medical RewardBench (e2e)'), 0) + 1,
            (SELECT r.id FROM judge_runs r WHERE r.project_id = p.id LIMIT 1), '{}'::jsonb, 2, 2, 'exclude', 0
       FROM projects p WHERE p.slug = $1 RETURNING id`,
    [E2E_AGREEMENT_PROJECT],
  );
  const pairs = await queryE2eDatabase<{ id: string; outcome: string }>(
    `INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, judge, vote_count, outcome)
     SELECT $1::uuid, (row_number() OVER (ORDER BY p.external_id))::int - 1, p.id, c.id, r.id,
            CASE WHEN row_number() OVER (ORDER BY p.external_id) % 3 = 0 THEN ARRAY['hard'] ELSE ARRAY['easy', 'length'] END, '{}'::jsonb, 2,
            (CASE (row_number() OVER (ORDER BY p.external_id))::int WHEN 11 THEN 'PENDING' WHEN 12 THEN 'DISPUTED'
                  ELSE CASE WHEN row_number() OVER (ORDER BY p.external_id) % 4 = 0 THEN 'OVERTURNED' ELSE 'VERIFIED' END END)::verification_outcome
       FROM prompts p
       JOIN completions c ON c.prompt_id = p.id AND c.model = $3
       JOIN completions r ON r.prompt_id = p.id AND r.model = $4
      WHERE p.project_id = (SELECT id FROM projects WHERE slug = $2)
     RETURNING id, outcome::text`,
    [set!.id, E2E_AGREEMENT_PROJECT, E2E_AGREEMENT_MODELS[0], E2E_AGREEMENT_MODELS[3]],
  );
  // Two clinicians' votes on each decided pair: both with the outcome, but one dissent on the first verified pair.
  for (const [i, p] of pairs.entries()) {
    if (p.outcome === "PENDING") continue;
    const agreeing = p.outcome === "OVERTURNED" ? "REJECTED" : "CHOSEN";
    const votes = p.outcome === "DISPUTED" ? ["CHOSEN", "REJECTED"] : [agreeing, i === 0 ? "TIE" : agreeing];
    for (const [v, who] of ["checker", "watcher"].entries())
      await queryE2eDatabase(
        "INSERT INTO verification_votes (pair_id, user_id, vote) SELECT $1, id, $3::pair_vote FROM users WHERE email = $2",
        [p.id, E2E_USERS[who as "checker" | "watcher"].email, votes[v]],
      );
  }
  return { setId: set!.id, kept: pairs.filter((p) => p.outcome === "VERIFIED" || p.outcome === "OVERTURNED").map((p) => p.id) };
}

const scoreFile = (lines: unknown[]) => ({
  name: "scores.jsonl",
  mimeType: "application/jsonl",
  buffer: Buffer.from(lines.map((l) => JSON.stringify(l)).join("\n") + "\n"),
});

test("a researcher uploads a reward model's scores and sees its leaderboard row and chart", async ({ page, signIn }) => {
  const { setId, kept } = await plantDecidedSet();
  expect(kept).toHaveLength(10);
  await signIn("researcher");
  await page.goto(`/leaderboards/set/${setId}`);
  await expect(page.getByRole("heading", { name: "Reward-model leaderboard" })).toBeVisible();
  await expect(page.getByText("10 kept pairs (verified or overturned)")).toBeVisible();

  // A file that leaves a pair out is refused, naming the pair; nothing is stored.
  const upload = page.getByRole("region", { name: "Evaluate a reward model" });
  await upload.getByLabel("Model name").fill("MedRM-8B");
  await upload.getByLabel("Notes").fill("reward head on Llama-3-8B, seed 1");
  const right = kept.map((pair) => ({ pair_id: pair, chosen_score: 2, rejected_score: -1 }));
  await upload.getByLabel("Score file (JSONL)").setInputFiles(scoreFile(right.slice(1)));
  await upload.getByRole("button", { name: "Evaluate" }).click();
  await expect(upload.getByRole("alert")).toHaveText(/Nothing was stored: 1 problem/);
  await expect(upload.getByRole("table", { name: "Problems in the score file" })).toContainText(`pair ${kept[0]}`);

  // Right on 8 pairs, a tie on one and wrong on one: (8 + ½) / 10 = 85.0%.
  const scores = right.map((s, i) => (i === 0 ? { ...s, rejected_score: 2 } : i === 1 ? { ...s, chosen_score: -5 } : s));
  await upload.getByLabel("Score file (JSONL)").setInputFiles(scoreFile(scores));
  await upload.getByRole("button", { name: "Evaluate" }).click();
  await expect(upload.getByRole("status")).toHaveText(
    /Evaluated "MedRM-8B" on 10 pairs of Medical RewardBench \(e2e\) v\d+: accuracy 85\.0%/,
  );

  const table = page.getByRole("table", { name: /Reward-model leaderboard/ });
  const row = table.getByRole("row", { name: /MedRM-8B/ });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").first()).toContainText("85.0");
  await expect(row).toContainText("reward head on Llama-3-8B, seed 1");
  await expect(table.getByRole("row", { name: /Original judge/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Clinicians' consensus/ })).toBeVisible();
  const chart = page.getByRole("figure", { name: "Macro accuracy by model, with 95% intervals" });
  await expect(chart).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(3);
  await expect(chart.locator(".recharts-errorBar")).toHaveCount(3);

  // A second model, for a leaderboard worth sorting; then the downloads.
  await upload.getByLabel("Model name").fill("Length-biased RM");
  await upload.getByLabel("Notes").fill("prefers the longer answer");
  await upload
    .getByLabel("Score file (JSONL)")
    .setInputFiles(scoreFile(kept.map((pair, i) => ({ pair_id: pair, chosen_score: i % 3 ? 1 : 0, rejected_score: i % 3 ? 0 : 1 }))));
  await upload.getByRole("button", { name: "Evaluate" }).click();
  await expect(table.getByRole("row", { name: /Length-biased RM/ })).toBeVisible();
  const csv = await page.request.get(`/api/leaderboards/set/${setId}?format=csv`);
  expect(csv.status()).toBe(200);
  expect((await csv.text()).split("\n").filter(Boolean)).toHaveLength(5);

  for (const [width, height] of [
    [1920, 1080],
    [390, 844],
  ] as const)
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/leaderboard-${width}-${scheme}.png`, fullPage: true });
    }
});
