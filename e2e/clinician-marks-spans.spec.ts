import type { Browser, Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { critiquePrompts } from "./support/annotation-data";
import { E2E_CRITIQUE_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

const TEXTS = critiquePrompts[0]!.completions.map((c) => c.text);
/** What a span's offsets slice out of its completion, counted in code points as MedPref stores them. */
const slice = (text: string, start: number, end: number) => Array.from(text).slice(start, end).join("");

interface StoredSpan {
  revision: number;
  model: string;
  start: number;
  end: number;
  quote: string;
  tag: string;
  severity: string;
  comment: string;
  correction: string;
  text: string;
}
const storedSpans = (who: keyof typeof E2E_USERS = "marker") =>
  queryE2eDatabase<StoredSpan>(
    `SELECT rr.revision, c.model, s.start_offset AS start, s.end_offset AS "end", s.quote, s.tag, s.severity, s.comment, s.correction, c.text
       FROM critique_spans s JOIN ranking_revisions rr ON rr.id = s.revision_id JOIN rankings r ON r.id = rr.ranking_id
       JOIN users u ON u.id = r.rater_id JOIN completions c ON c.id = s.completion_id
      WHERE u.email = $1 ORDER BY rr.revision, c.model, s.start_offset`,
    [E2E_USERS[who].email],
  );

/** The card showing the candidate whose text starts with `prefix` (the order is shuffled per assignment). */
async function cardOf(page: Page, prefix: string): Promise<Locator> {
  const cards = page.getByRole("article", { name: /^Response \d$/ });
  await expect(cards).toHaveCount(4);
  for (const card of await cards.all()) if ((await card.innerText()).includes(prefix)) return card;
  throw new Error(`no card shows "${prefix}"`);
}

/** Where `word` is drawn inside `card` (its first occurrence): the mouse acts there. */
async function wordBox(card: Locator, word: string) {
  return card.evaluate((el, w) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(w);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const r = range.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    throw new Error(`"${w}" is not shown`);
  }, word);
}

async function markWith(page: Page, tag: string, severity: string, comment = "") {
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("What is wrong").selectOption({ label: tag });
  await dialog.getByRole("radio", { name: severity }).check();
  if (comment) await dialog.getByLabel("Comment (optional)").fill(comment);
  await dialog.getByRole("button", { name: "Save mark" }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe.configure({ mode: "serial" });

test("a clinician marks two spans with the mouse and one with the keyboard while ranking, submits, and revises one", async ({
  page,
  signIn,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn("marker");
  await page.goto(`/annotate/${E2E_CRITIQUE_PROJECT}`);
  await page.getByRole("dialog", { name: "How to rank in E2E critiques" }).getByRole("button", { name: "Start ranking" }).click();
  const dosing = await cardOf(page, "Start aspirin 3 g daily");
  const beta = await cardOf(page, "Dual antiplatelet therapy");
  const chinese = await cardOf(page, "阿司匹林");

  // Mouse 1: a double-click selects the word "warfarin"; marked as a missed interaction.
  const warfarin = await wordBox(dosing, "warfarin");
  await page.mouse.dblclick(warfarin.x + warfarin.width / 2, warfarin.y + warfarin.height / 2);
  await expect(dosing.getByText(/^Selected: “/)).toBeVisible();
  await dosing.getByRole("button", { name: /^Mark selection in Response/ }).click();
  await markWith(page, "C Contraindication or interaction missed", "Major", "bleeding risk with DAPT");
  // Mouse 2: a drag over the bold dose.
  const box = await wordBox(dosing, "aspirin 3 g");
  await page.mouse.move(box.x + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await dosing.getByRole("button", { name: /^Mark selection in Response/ }).click();
  await markWith(page, "D Wrong dose or unit", "Critical");

  // Keyboard: focus the Chinese candidate's text, grow the selection by two sentences, mark it.
  await chinese.getByLabel(/^Text of Response \d$/).focus();
  await page.keyboard.press("Alt+Shift+ArrowRight");
  await page.keyboard.press("Alt+Shift+ArrowRight");
  await expect(chinese.getByText("Selected: “阿司匹林 75 mg 每日一次。 Clopidogrel is optional.”")).toBeVisible();
  await page.keyboard.press("Alt+Shift+M");
  await markWith(page, "… Incomplete", "Minor");

  // The marks are listed under their responses and highlighted in the text.
  await expect(dosing.getByRole("list", { name: /^Marked in Response/ }).getByRole("listitem")).toHaveCount(2);
  await expect(dosing.locator("mark[data-tag='wrong-dose']")).toContainText("aspirin 3 g");
  await expect(chinese.getByRole("list", { name: /^Marked in Response/ })).toContainText("Incomplete · Minor");
  const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";
  await page.screenshot({ path: `${folder}/ranking-with-spans-1920-light.png`, fullPage: true });
  // The same marks on a phone, in dark mode: the responses stack, the marks stay readable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await dosing.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${folder}/ranking-with-spans-390-dark.png` });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ colorScheme: "light" });

  // Ranked first although marked critical: the screen asks once.
  for (const card of [dosing, beta, chinese]) await card.getByRole("button", { name: /^Rank Response \d next$/ }).click();
  await (await cardOf(page, "Review in")).getByRole("button", { name: /^Rank Response \d next$/ }).click();
  await page.getByRole("button", { name: "Submit ranking" }).click();
  const confirm = page.getByRole("dialog", { name: "Rank a response with a critical error first?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Submit anyway" }).click();
  await expect(page.getByRole("status").first()).toContainText("Ranking submitted.");

  const first = await storedSpans();
  expect(first.map((s) => [s.revision, s.model, s.quote, s.tag, s.severity, s.comment])).toEqual([
    [1, "m0", "aspirin 3 g", "wrong-dose", "critical", ""],
    [1, "m0", "warfarin", "contraindication", "major", "bleeding risk with DAPT"],
    [1, "m2", "阿司匹林 75 mg 每日一次。 Clopidogrel is optional.", "incomplete", "minor", ""],
  ]);
  for (const s of first) expect(slice(s.text, s.start, s.end)).toBe(s.quote);
  expect(first.map((s) => [s.start, s.end])).toEqual([
    [8, 19],
    [49, 57],
    [0, 41],
  ]);
  expect(TEXTS[0]!.slice(8, 19)).toBe("aspirin 3 g");

  // Revision: the warfarin mark becomes minor with a correction; the other two stay as they were.
  await page.goto(`/annotate/${E2E_CRITIQUE_PROJECT}/history`);
  await page.getByRole("link", { name: "Revise" }).first().click();
  const revised = await cardOf(page, "daily with ticagrelor");
  await revised.getByRole("button", { name: /^Edit the mark “warfarin”/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: "Minor" }).check();
  await dialog.getByLabel("Suggested correction (optional)").fill("no anticoagulant without an indication");
  await dialog.getByRole("button", { name: "Save mark" }).click();
  await page.getByRole("button", { name: "Save revision" }).click();
  await page
    .getByRole("dialog", { name: "Rank a response with a critical error first?" })
    .getByRole("button", { name: "Submit anyway" })
    .click();
  // A saved revision goes back to My rankings (the screen's "Revision saved." notice leaves with it).
  await expect(page).toHaveURL(new RegExp(`/annotate/${E2E_CRITIQUE_PROJECT}/history$`));

  const all = await storedSpans();
  expect(all.filter((s) => s.revision === 1)).toEqual(first);
  expect(all.filter((s) => s.revision === 2).map((s) => [s.model, s.quote, s.severity, s.correction])).toEqual([
    ["m0", "aspirin 3 g", "critical", ""],
    ["m0", "warfarin", "minor", "no anticoagulant without an indication"],
    ["m2", "阿司匹林 75 mg 每日一次。 Clopidogrel is optional.", "minor", ""],
  ]);
});

test("the admin sees the clinician's marks on the prompt page, and a critiques export carries them with offsets that slice their quotes", async ({
  page,
  signIn,
}) => {
  const [prompt] = await queryE2eDatabase<{ id: string }>(
    `SELECT p.id FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = $1 AND p.external_id = 'critique-0'`,
    [E2E_CRITIQUE_PROJECT],
  );
  await signIn("admin");
  await page.goto(`/projects/${E2E_CRITIQUE_PROJECT}/prompts/${prompt!.id}`);
  // The latest revision's three marks, each highlighted over exactly its quote.
  for (const quote of ["aspirin 3 g", "warfarin", "Clopidogrel is optional."])
    await expect(page.locator("mark", { hasText: quote }).first()).toBeVisible();
  await expect(page.getByText("no anticoagulant without an indication")).toBeVisible();

  await page.goto("/exports");
  const form = page.getByRole("form", { name: "New export" });
  if (!(await form.isVisible())) await page.getByText("New export", { exact: true }).click();
  for (const box of await form.locator('input[name="projects"]').all()) await box.uncheck();
  await form.getByRole("checkbox", { name: "E2E critiques" }).check();
  await form.getByLabel("Format").selectOption("critiques");
  await form.getByLabel("File type").selectOption("jsonl");
  await form.getByRole("textbox", { name: "Splits" }).fill("train=1");
  await form.getByRole("button", { name: "Build export" }).click();
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  const files = await page.getByRole("link", { name: /^data\/.*\.jsonl$/ }).all();
  const rows: {
    completion: string;
    spans: { start: number; end: number; text: string; tag: string; severity: string; correction: string }[];
  }[] = [];
  for (const link of files)
    rows.push(
      ...(await (await page.request.get((await link.getAttribute("href"))!)).text())
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
  const spans = rows.flatMap((r) => r.spans.map((s) => ({ ...s, completion: r.completion })));
  expect(spans.map((s) => [s.text, s.tag, s.severity, s.correction]).sort()).toEqual(
    [
      ["aspirin 3 g", "wrong-dose", "critical", ""],
      ["warfarin", "contraindication", "minor", "no anticoagulant without an indication"],
      ["阿司匹林 75 mg 每日一次。 Clopidogrel is optional.", "incomplete", "minor", ""],
    ].sort(),
  );
  for (const s of spans) expect(slice(s.completion, s.start, s.end)).toBe(s.text);
});

/** A phone with a touch screen (390 × 844): taps and long presses, no mouse. */
async function phonePage(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  return { page: await context.newPage(), close: () => context.close() };
}

test("on a touch phone, a touch selection is marked with taps, and the stored span is exactly the selected word", async ({
  browser,
  signIn,
}) => {
  const { page, close } = await phonePage(browser);
  await signIn("touchMarker", { page });
  await page.goto(`/annotate/${E2E_CRITIQUE_PROJECT}`);
  await page.getByRole("dialog", { name: "How to rank in E2E critiques" }).getByRole("button", { name: "Start ranking" }).tap();
  const beta = await cardOf(page, "Dual antiplatelet therapy");
  await beta.getByText("metoprolol").scrollIntoViewIfNeeded();

  // The selection a long press and its handles leave: desktop Chromium does not select on a long press
  // (Android does), so the page's selection is set where the handles would leave it, over "metoprolol".
  await beta.evaluate((el, w) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(w);
      if (at < 0) continue;
      document.getSelection()!.setBaseAndExtent(node, at, node, at + w.length);
      return;
    }
  }, "metoprolol");
  await expect(beta.getByText("Selected: “metoprolol”")).toBeVisible();

  // A tap (a real touch event) on "Mark selection…" keeps the selection and opens the mark.
  await beta.getByRole("button", { name: /^Mark selection in Response/ }).tap();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("What is wrong").selectOption({ label: "F Factually incorrect" });
  await dialog.getByRole("radio", { name: "Minor" }).tap();
  await dialog.getByRole("button", { name: "Save mark" }).tap();
  await expect(dialog).toHaveCount(0);
  await expect(beta.locator("mark[data-tag='factually-incorrect']")).toHaveText(/metoprolol/);

  for (const prefix of ["Dual antiplatelet therapy", "阿司匹林", "Review in", "Start aspirin 3 g"])
    await (await cardOf(page, prefix)).getByRole("button", { name: /^Rank Response \d next$/ }).tap();
  // On a phone the ranking and its submit button are behind the bottom bar.
  await page.getByRole("button", { name: "Rank & submit" }).tap();
  await page.getByRole("button", { name: "Submit ranking" }).tap();
  await expect(page.getByRole("status").first()).toContainText("Ranking submitted.");
  const stored = await storedSpans("touchMarker");
  expect(stored.map((s) => [s.revision, s.model, s.quote, s.tag, s.severity])).toEqual([
    [1, "m1", "metoprolol", "factually-incorrect", "minor"],
  ]);
  expect(slice(stored[0]!.text, stored[0]!.start, stored[0]!.end)).toBe("metoprolol");
  await close();
});

test("on the pair screen, a clinician marks a span in one response and answers; the span is stored with the vote, and the dashboard counts it as a pair answer's", async ({
  browser,
  signIn,
}) => {
  // A one-pair verification set on critique-0 (m1 chosen over m0, k = 1) from a planted judge run, with SQL.
  const [set] = await queryE2eDatabase<{ id: string }>(
    `WITH project AS (SELECT id FROM projects WHERE slug = $1),
          run AS (INSERT INTO judge_runs (project_id, kind, status, name, model, permutations, units_total, config, started_at, finished_at)
                  SELECT id, 'JUDGE', 'COMPLETED', 'E2E pair marks judge', 'planted', 1, 0, '{}', now(), now() FROM project RETURNING id)
     INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
     SELECT project.id, 'E2E pair marks',
            coalesce((SELECT max(version) FROM verification_sets s WHERE s.project_id = project.id AND s.name = 'E2E pair marks'), 0) + 1,
            run.id, '{}', 1, 1, 'exclude', 1
       FROM project, run RETURNING id`,
    [E2E_CRITIQUE_PROJECT],
  );
  await queryE2eDatabase(
    `INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, source, judge)
     SELECT $1, 0, p.id, c1.id, c0.id, ARRAY['easy'], p.source, '{}'
       FROM prompts p JOIN projects j ON j.id = p.project_id
       JOIN completions c1 ON c1.prompt_id = p.id AND c1.model = 'm1' JOIN completions c0 ON c0.prompt_id = p.id AND c0.model = 'm0'
      WHERE j.slug = $2 AND p.external_id = 'critique-0'`,
    [set!.id, E2E_CRITIQUE_PROJECT],
  );
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await signIn("pairMarker", { page });
  await page.goto(`/annotate/${E2E_CRITIQUE_PROJECT}/verify/${set!.id}`);
  await expect(page.getByRole("heading", { name: "Which response is better?" })).toBeVisible();
  // The order is drawn per assignment: find the response showing m0's text.
  const responses = page.getByRole("article", { name: /^Response [AB]$/ });
  await expect(responses).toHaveCount(2);
  let dosing: Locator | null = null;
  for (const r of await responses.all()) if ((await r.innerText()).includes("Start aspirin 3 g")) dosing = r;
  const side = (await dosing!.getAttribute("aria-label"))!.slice(-1);
  const other = side === "A" ? "B" : "A";

  const warfarin = await wordBox(dosing!, "warfarin");
  await page.mouse.dblclick(warfarin.x + warfarin.width / 2, warfarin.y + warfarin.height / 2);
  await dosing!.getByRole("button", { name: `Mark selection in Response ${side}` }).click();
  await markWith(page, "C Contraindication or interaction missed", "Critical", "no anticoagulant after a stent without an indication");
  await expect(dosing!.locator("mark[data-tag='contraindication']")).toHaveText(/warfarin/);
  await page.getByRole("radio", { name: `${other} is better` }).check();
  await page.getByRole("radio", { name: "4", exact: true }).check();
  await page.getByRole("button", { name: /^Submit/ }).click();
  await expect(page.getByRole("status")).toContainText("Answer saved");

  const [stored] = await queryE2eDatabase<Omit<StoredSpan, "revision" | "comment" | "correction"> & { vote: string }>(
    `SELECT v.vote::text AS vote, c.model, s.start_offset AS start, s.end_offset AS "end", s.quote, s.tag, s.severity, c.text
       FROM critique_spans s JOIN verification_votes v ON v.id = s.vote_id AND v.revision = s.vote_revision
       JOIN completions c ON c.id = s.completion_id JOIN users u ON u.id = v.user_id
      WHERE u.email = $1`,
    [E2E_USERS.pairMarker.email],
  );
  // The vote is for m1, the judge's choice; the span is on m0 at the offsets of "warfarin" in its stored text.
  expect([stored!.vote, stored!.model, stored!.quote, stored!.tag, stored!.severity]).toEqual([
    "CHOSEN",
    "m0",
    "warfarin",
    "contraindication",
    "critical",
  ]);
  expect([stored!.start, stored!.end]).toEqual([49, 57]);
  expect(slice(stored!.text, stored!.start, stored!.end)).toBe("warfarin");
  await context.close();

  // The admin's agreement dashboard counts it with the clinicians' spans, as a pair answer's.
  const admin = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const adminPage = await admin.newPage();
  await signIn("admin", { page: adminPage });
  await adminPage.goto(`/projects/${E2E_CRITIQUE_PROJECT}/agreement`);
  await expect(adminPage.getByTestId("report-age")).toHaveText(/^Computed (just now|\d+ min ago)$/, { timeout: 60_000 });
  const statistics = adminPage.getByRole("region", { name: "Marked spans: what the clinicians found" });
  // The marker's three spans (revision 2), the touch marker's one, and this pair answer's.
  await expect(statistics.getByText("Marked spans", { exact: true }).locator("..")).toHaveText(
    /^Marked spans\s*5\s*by 3 clinicians, 1 in pair answers$/,
  );
  const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";
  await statistics.screenshot({ path: `${folder}/span-statistics-with-pair-answers-1920-light.png` });
  await admin.close();
});
