import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { pairOutcome, type Vote } from "../lib/verification/pair-outcome";
import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_MODELS, E2E_AGREEMENT_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import { pairTimesLine, verifyByKeyboard } from "./support/pair-task";

const SLUG = E2E_AGREEMENT_PROJECT;
const PROMPTS = ["agree-2", "agree-3", "agree-4", "agree-5"];
let setId: string;

/**
 * A verification set of four pairs (k = 2, m = 2) from the agreement project's judge run, planted
 * with SQL: in each, the judge chose the prompt's first candidate over its fourth.
 */
test.beforeAll(async () => {
  const rows = await queryE2eDatabase<{ id: string }>(
    `WITH project AS (SELECT id FROM projects WHERE slug = $1),
          run AS (SELECT r.id FROM judge_runs r, project WHERE r.project_id = project.id ORDER BY r.created_at LIMIT 1)
     INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
     SELECT project.id, 'E2E pairs for clinicians', coalesce((SELECT max(version) FROM verification_sets s WHERE s.project_id = project.id AND s.name = 'E2E pairs for clinicians'), 0) + 1, run.id, '{}', 2, 2, 'exclude', $2 FROM project, run RETURNING id`,
    // The next version each time: a retried worker runs this again on the same database.
    [SLUG, PROMPTS.length],
  );
  setId = rows[0]!.id;
  await queryE2eDatabase(
    `INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, source, judge)
     SELECT $1, (row_number() OVER (ORDER BY p.external_id))::int - 1, p.id, c1.id, c4.id, ARRAY['hard'], p.source, '{"planted": true}'
       FROM prompts p JOIN projects j ON j.id = p.project_id
       JOIN completions c1 ON c1.prompt_id = p.id AND c1.position = 0 JOIN completions c4 ON c4.prompt_id = p.id AND c4.position = 3
      WHERE j.slug = $2 AND p.external_id = ANY($3::text[])`,
    [setId, SLUG, PROMPTS],
  );
});

const pairUrl = () => `/annotate/${SLUG}/verify/${setId}`;

async function clinicianPage(
  browser: Browser,
  signIn: (who: keyof typeof E2E_USERS, o: { page: Page }) => Promise<void>,
  who: keyof typeof E2E_USERS,
  size: { width: number; height: number; touch?: boolean },
  scheme: "light" | "dark" = "light",
) {
  const context = await browser.newContext({ viewport: size, hasTouch: size.touch, isMobile: size.touch, colorScheme: scheme });
  const page = await context.newPage();
  await signIn(who, { page });
  return page;
}

test("the pair screen shows two responses as A and B, blind to models and the judge, passes axe (screenshots at 390 and 1920 px, light and dark)", async ({
  browser,
  signIn,
}) => {
  // Four pages, each scanned by axe and photographed: about 30 s here, more on a loaded machine.
  test.setTimeout(150_000);
  for (const size of [
    { name: "1920", width: 1920, height: 1080 },
    { name: "390", width: 390, height: 844, touch: true },
  ]) {
    for (const scheme of ["light", "dark"] as const) {
      const page = await clinicianPage(browser, signIn, "verifierShots", size, scheme);
      await page.goto(pairUrl());
      await expect(page.getByRole("heading", { name: "Which response is better?" })).toBeFocused();
      await expect(page.getByRole("article", { name: "Response A" })).toBeVisible();
      await expect(page.getByRole("article", { name: "Response B" })).toBeVisible();
      const html = await page.content();
      for (const secret of [...E2E_AGREEMENT_MODELS, "gpt-4o", "planted"]) expect(html).not.toContain(secret);
      await page.keyboard.press("b");
      // Checked, not typed: the second visit finds the first's draft, and typing 3 again would clear it.
      await page.getByRole("radio", { name: "3", exact: true }).check();
      await expect(page.getByRole("radio", { name: "B is better" })).toBeChecked();
      // axe's WCAG A/AA rules, as e2e/accessibility.spec.ts runs them on the other pages: no serious or critical violation.
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      expect(
        violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .flatMap((v) =>
            v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(" ")} (${(n.failureSummary ?? "").replace(/\s+/g, " ").trim()})`),
          ),
      ).toEqual([]);
      // Into docs/screenshots/ only when asked (MEDPREF_SCREENSHOTS=1), as the other documentation screenshots.
      const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";
      await page.screenshot({ path: `${folder}/verify-pair-${size.name}-${scheme}.png`, fullPage: size.name === "1920" });
      await page.context().close();
    }
  }
  // The screenshots' clinician hands the pair back: the two below get every pair.
  const page = await clinicianPage(browser, signIn, "verifierShots", { width: 1280, height: 900 });
  await page.goto(pairUrl());
  await page.getByRole("button", { name: "Skip…" }).click();
  await page.getByLabel("Why do you skip this pair?").fill("screenshots only");
  await page.getByRole("button", { name: "Skip this pair" }).click();
  await expect(page.getByRole("status")).toContainText("Pair skipped.");
  await page.context().close();
  // The skip claimed the next pair for them; that lease ends now rather than in 30 minutes.
  await queryE2eDatabase(
    `UPDATE verification_assignments SET lease_expires_at = now() WHERE status = 'ACTIVE' AND user_id = (SELECT id FROM users WHERE email = $1)`,
    [E2E_USERS.verifierShots.email],
  );
});

test("two clinicians verify every pair with the keyboard only; votes and outcomes are stored as the keys meant", async ({
  browser,
  signIn,
}) => {
  const wide = await clinicianPage(browser, signIn, "verifierWide", { width: 1920, height: 1080 });
  const wideTimes = await verifyByKeyboard(wide, pairUrl(), () => "a");
  // The second clinician sides with the judge's choice (its text starts "Answer 0") on the first two pairs and against it after.
  const phone = await clinicianPage(browser, signIn, "verifierPhone", { width: 390, height: 844, touch: true });
  const phoneTimes = await verifyByKeyboard(phone, pairUrl(), (t, n) => ((t.A.includes("Answer 0 to") ? n <= 2 : n > 2) ? "a" : "b"));
  expect(wideTimes).toHaveLength(4);
  expect(phoneTimes).toHaveLength(4);
  console.log(
    `[pair task] time per pair (keyboard, from the pair shown to the answer stored and the next pair shown): ${pairTimesLine([...wideTimes, ...phoneTimes])}`,
  );
  const votes = await queryE2eDatabase<{
    position: number;
    email: string;
    vote: Vote;
    confidence: number;
    outcome: string;
    imported: boolean;
  }>(
    `SELECT v.position, u.email, o.vote, o.confidence, v.outcome::text AS outcome, o.imported
       FROM verification_votes o JOIN verification_pairs v ON v.id = o.pair_id JOIN users u ON u.id = o.user_id
      WHERE v.set_id = $1 ORDER BY v.position, u.email`,
    [setId],
  );
  expect(votes).toHaveLength(8);
  expect(votes.every((v) => v.confidence === 4 && !v.imported)).toBe(true);
  const phoneVotes = votes.filter((v) => v.email === E2E_USERS.verifierPhone.email);
  expect(phoneVotes.map((v) => v.vote).sort()).toEqual(["CHOSEN", "CHOSEN", "REJECTED", "REJECTED"]);
  for (const position of [0, 1, 2, 3]) {
    const mine = votes.filter((v) => v.position === position);
    expect(mine).toHaveLength(2);
    expect(mine[0]!.outcome).toBe(
      pairOutcome(
        mine.map((v) => v.vote),
        { raters: 2, agree: 2 },
      ),
    );
  }
  await wide.context().close();
  await phone.context().close();
});
