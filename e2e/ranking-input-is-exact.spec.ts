import { type CDPSession, type Page } from "@playwright/test";
import { expect, test, type SignIn } from "./support/fixtures";
import { E2E_MODELS } from "./support/annotation-data";
import { E2E_ANNOTATE_PROJECT, E2E_TIES_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import {
  applyGesture,
  applyKey,
  competitionRanks,
  gestureSequence,
  newModel,
  prng,
  type Gesture,
  type RankingModel,
} from "./support/ranking-model";

// Every way of ranking stores exactly what the clinician meant: seeded sequences of gestures are
// applied to an independent model; after each one the screen must show the model's order, and the
// submitted ranking in the database must equal the model's, not merely what the screen shows.

const LABELS = [1, 2, 3, 4, 5, 6, 7, 8];
// Each sequence is dozens of real gestures, each checked on screen: longer than one interaction.
test.describe.configure({ timeout: 300_000 });
type Who = keyof typeof E2E_USERS;

async function openQueue(page: Page, project: string) {
  await page.goto(`/annotate/${project}`);
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
}

/** The ranking as the screen shows it: tiers from the rows' tie-group marks, and the pool. */
async function shown(page: Page): Promise<{ tiers: number[][]; pool: number[] }> {
  return page.evaluate(() => {
    const tiers: number[][] = [];
    for (const li of document.querySelectorAll<HTMLElement>('[data-testid="ranking-list"] li[data-candidate-label]')) {
      const label = Number(li.dataset.candidateLabel);
      const group = li.dataset.tieGroup;
      if ((group === "middle" || group === "last") && tiers.length) tiers.at(-1)!.push(label);
      else tiers.push([label]);
    }
    const pool = [...document.querySelectorAll<HTMLElement>('[data-testid="pool-list"] li[data-candidate-label]')].map((li) =>
      Number(li.dataset.candidateLabel),
    );
    return { tiers, pool };
  });
}

async function expectShown(page: Page, model: RankingModel, step: string) {
  await expect.poll(() => shown(page), { message: step }).toEqual({ tiers: model.tiers, pool: model.pool });
}

/** Where each gesture drops, measured on screen while the drag is under way. */
async function dropPoint(page: Page, g: Gesture): Promise<{ x: number; y: number }> {
  const row = async (label: number) =>
    (await page.locator(`[data-testid="ranking-list"] li[data-candidate-label="${label}"]`).boundingBox())!;
  const left = (b: { x: number; width: number }) => b.x + b.width * 0.3;
  switch (g.kind) {
    case "append": {
      const b = (await page.locator("[data-end-slot]").boundingBox())!;
      return { x: left(b), y: b.y + b.height / 2 };
    }
    case "top": {
      const b = (await page.locator('[data-testid="ranking-list"] li[data-candidate-label]').first().boundingBox())!;
      return { x: left(b), y: b.y + b.height * 0.25 };
    }
    case "before": {
      const b = await row(g.target);
      return { x: left(b), y: b.y + b.height * 0.25 };
    }
    case "after": {
      const b = await row(g.target);
      return { x: left(b), y: b.y + b.height * 0.75 };
    }
    case "between": {
      const [a, b] = [await row(g.target), await row(g.next)];
      return { x: left(a), y: (a.y + a.height + b.y) / 2 };
    }
    case "tie": {
      const b = (await page.locator(`[data-tie-zone="${g.target}"]`).boundingBox())!;
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }
    case "unrank": {
      const b = (await page.getByTestId("pool-list").boundingBox())!;
      return { x: left(b), y: b.y + b.height / 2 };
    }
    case "miss":
      return { x: 8, y: 8 };
  }
}

/** Brings both lists into view (inside the sticky panel or the phone's sheet, clear of its sticky bar) before a drag. */
async function showLists(page: Page) {
  await page.getByTestId("ranking-list").evaluate((el) => el.scrollIntoView({ block: "center" }));
}

/**
 * Moves to the gesture's drop point until it stops moving: near a scroll edge the list autoscrolls
 * under the pointer (as it should), so the point is measured again until the screen is still.
 */
async function settleOn(page: Page, g: Gesture, moveTo: (p: { x: number; y: number }) => Promise<void>) {
  let to = await dropPoint(page, g);
  await moveTo(to);
  for (let i = 0; i < 200; i++) {
    const again = await dropPoint(page, g);
    if (Math.abs(again.x - to.x) < 1 && Math.abs(again.y - to.y) < 1) return;
    to = again;
    await moveTo(to);
  }
  throw new Error(`the drop point of ${JSON.stringify(g)} never settled`);
}

async function mouseDrag(page: Page, g: Gesture) {
  await showLists(page);
  const handle = (await page.getByRole("button", { name: `Drag Response ${g.drag}`, exact: true }).boundingBox())!;
  const [x0, y0] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x0 + 6, y0 + 6, { steps: 3 });
  await expect(page.getByTestId("drag-overlay")).toBeVisible();
  await settleOn(page, g, (to) => page.mouse.move(to.x, to.y, { steps: 8 }));
  await page.mouse.up();
  await expect(page.getByTestId("drag-overlay")).toBeHidden();
}

async function touchDrag(page: Page, cdp: CDPSession, g: Gesture) {
  await showLists(page);
  const handle = (await page.getByRole("button", { name: `Drag Response ${g.drag}`, exact: true }).boundingBox())!;
  let [x, y] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  // A short press starts the drag; the overlay appearing is the sign it has.
  await expect(page.getByTestId("drag-overlay")).toBeVisible();
  await settleOn(page, g, async (to) => {
    for (let i = 1; i <= 8; i++) {
      [x, y] = [x + (to.x - x) / (9 - i), y + (to.y - y) / (9 - i)];
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y }] });
    }
  });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await expect(page.getByTestId("drag-overlay")).toBeHidden();
}

/** Label → model, from the candidate texts ("**Candidate j** for question i"). */
async function modelsByLabel(page: Page): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const label of LABELS) {
    const text = await page
      .getByRole("article", { name: `Response ${label}` })
      .getByLabel(`Text of Response ${label}`)
      .innerText();
    out.set(label, E2E_MODELS[Number(/Candidate (\d)/.exec(text)![1])]!);
  }
  return out;
}

async function storedRanks(email: string): Promise<Record<string, number>> {
  const rows = await queryE2eDatabase<{ model: string; rank: number }>(
    `SELECT c.model, e.rank FROM rankings r JOIN users u ON u.id = r.rater_id
       JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
       JOIN ranking_entries e ON e.revision_id = rr.id JOIN completions c ON c.id = e.completion_id
      WHERE u.email = $1`,
    [email],
  );
  return Object.fromEntries(rows.map((r) => [r.model, Number(r.rank)]));
}

async function expectStored(who: Who, model: RankingModel, labelToModel: Map<number, string>) {
  const expected = Object.fromEntries([...competitionRanks(model.tiers)].map(([label, rank]) => [labelToModel.get(label)!, rank]));
  await expect.poll(() => storedRanks(E2E_USERS[who].email)).toEqual(expected);
}

async function submitAndCheck(page: Page, who: Who, model: RankingModel) {
  const labelToModel = await modelsByLabel(page);
  await page.getByRole("button", { name: "Submit ranking" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Ranking submitted." })).toBeVisible();
  await expectStored(who, model, labelToModel);
}

async function runDragSequence(
  page: Page,
  signIn: SignIn,
  options: { who: Who; project: string; seed: number; ties: boolean; drag: (g: Gesture) => Promise<void> },
) {
  await signIn(options.who);
  await openQueue(page, options.project);
  const kinds: Gesture["kind"][] = [
    "append",
    "top",
    "before",
    "after",
    "between",
    "unrank",
    "miss",
    ...(options.ties ? (["tie"] as const) : []),
  ];
  const gestures = gestureSequence(LABELS, kinds, 24, options.seed);
  let model = newModel(LABELS);
  for (const [i, g] of gestures.entries()) {
    await options.drag(g);
    model = applyGesture(model, g);
    await expectShown(page, model, `after gesture ${i + 1} of seed ${options.seed}: ${JSON.stringify(g)}`);
    if (g.kind === "miss")
      await expect(page.getByTestId("drop-outcome")).toHaveText(
        `Response ${g.drag} was not moved: drop it on “Your ranking” or on “Not ranked yet”.`,
      );
  }
  // Whatever is left goes to the end, by drag as well.
  for (const label of [...model.pool]) {
    const g: Gesture = { kind: "append", drag: label };
    await options.drag(g);
    model = applyGesture(model, g);
    await expectShown(page, model, `appending ${label}`);
  }
  if (!options.ties) expect(model.tiers.every((t) => t.length === 1)).toBe(true);
  await submitAndCheck(page, options.who, model);
}

test.describe("drag and drop at 1920 × 1080 (mouse, ties allowed)", () => {
  test.use({ viewport: { width: 1920, height: 1080 } });
  test("24 seeded drags, then submit: screen and database equal the intended ranking", async ({ page, signIn }) => {
    await runDragSequence(page, signIn, {
      who: "rankerWide",
      project: E2E_TIES_PROJECT,
      seed: 1920,
      ties: true,
      drag: (g) => mouseDrag(page, g),
    });
  });
});

test.describe("drag and drop at 1366 × 768 (mouse, no ties)", () => {
  test.use({ viewport: { width: 1366, height: 768 } });
  test("24 seeded drags, then submit: screen and database equal the intended ranking", async ({ page, signIn }) => {
    await runDragSequence(page, signIn, {
      who: "rankerLaptop",
      project: E2E_ANNOTATE_PROJECT,
      seed: 1366,
      ties: false,
      drag: (g) => mouseDrag(page, g),
    });
  });
});

test.describe("drag and drop at 390 × 844 (phone layout, mouse, ties allowed)", () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test("the ranking is a bar away; 24 seeded drags, then submit, store the intended ranking", async ({ page, signIn }) => {
    await signIn("rankerPhone");
    await openQueue(page, E2E_TIES_PROJECT);
    // The ranking bar is on screen from the start, without scrolling past the responses.
    const bar = page.getByRole("button", { name: "Rank & submit" });
    await expect(bar).toBeInViewport();
    await bar.click();
    await expect(page.getByRole("list", { name: "Ranked responses, best first" })).toBeInViewport();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const gestures = gestureSequence(LABELS, ["append", "top", "before", "after", "between", "unrank", "tie", "miss"], 24, 390);
    let model = newModel(LABELS);
    for (const [i, g] of gestures.entries()) {
      await mouseDrag(page, g);
      model = applyGesture(model, g);
      await expectShown(page, model, `after gesture ${i + 1}: ${JSON.stringify(g)}`);
    }
    for (const label of [...model.pool]) {
      const g: Gesture = { kind: "append", drag: label };
      await mouseDrag(page, g);
      model = applyGesture(model, g);
    }
    await expectShown(page, model, "all ranked");
    // With ties, rows keep their remove button inside the panel.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="ranking-list"] button[aria-label^="Remove"]')].some(
        (b) => b.getBoundingClientRect().right > window.innerWidth,
      ),
    );
    expect(clipped).toBe(false);
    await submitAndCheck(page, "rankerPhone", model);
  });
});

test.describe("drag and drop on a 390 × 844 touch screen (ties allowed)", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  test("the ranking is a bar away; 24 seeded touch drags, then submit, store the intended ranking", async ({ page, signIn }) => {
    const cdp = await page.context().newCDPSession(page);
    await signIn("rankerTouch");
    await openQueue(page, E2E_TIES_PROJECT);
    // The ranking bar is on screen from the start, without scrolling past the responses.
    const bar = page.getByRole("button", { name: "Rank & submit" });
    await expect(bar).toBeInViewport();
    await bar.click();
    await expect(page.getByRole("list", { name: "Ranked responses, best first" })).toBeInViewport();
    const noOverflow = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(noOverflow).toBe(true);
    const gestures = gestureSequence(LABELS, ["append", "top", "before", "after", "between", "unrank", "tie", "miss"], 24, 390);
    let model = newModel(LABELS);
    for (const [i, g] of gestures.entries()) {
      await touchDrag(page, cdp, g);
      model = applyGesture(model, g);
      await expectShown(page, model, `after touch gesture ${i + 1}: ${JSON.stringify(g)}`);
    }
    for (const label of [...model.pool]) {
      const g: Gesture = { kind: "append", drag: label };
      await touchDrag(page, cdp, g);
      model = applyGesture(model, g);
    }
    await expectShown(page, model, "all ranked");
    // With ties, rows keep their remove button inside the panel.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="ranking-list"] button[aria-label^="Remove"]')].some(
        (b) => b.getBoundingClientRect().right > window.innerWidth,
      ),
    );
    expect(clipped).toBe(false);
    await submitAndCheck(page, "rankerTouch", model);
  });
});

test("the keyboard path: 24 seeded keys match the model; 8 responses ranked and submitted in N + 1 presses", async ({ page, signIn }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn("rankerKeys");
  await openQueue(page, E2E_TIES_PROJECT);
  await page.getByRole("region", { name: "Prompt" }).click();
  const rand = prng(42);
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "ArrowUp", "ArrowDown", "t", "Backspace", "Escape"];
  let model = newModel(LABELS);
  for (let i = 0; i < 24; i++) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    await page.keyboard.press(key === "t" ? "t" : key);
    model = applyKey(model, key);
    await expectShown(page, model, `after key ${i + 1}: ${key}`);
  }
  // Start over and count: seven digits, Ctrl+Enter offers to rank the last one last, Enter confirms.
  for (const label of model.tiers.flat()) {
    await page.keyboard.press(String(label));
    await page.keyboard.press("Backspace");
    model = applyKey(applyKey(model, String(label)), "Backspace");
  }
  await expectShown(page, model, "all unranked again");
  const order = [5, 2, 6, 1, 3, 4, 8];
  let presses = 0;
  for (const key of order) {
    await page.keyboard.press(String(key));
    presses++;
  }
  await page.keyboard.press("Control+Enter");
  presses++;
  const confirm = page.getByRole("dialog", { name: "Submit with one response left?" });
  await expect(confirm).toContainText("Response 7 is not ranked yet");
  const labelToModel = await modelsByLabel(page);
  await page.keyboard.press("Enter");
  presses++;
  await expect(page.getByRole("status").filter({ hasText: "Ranking submitted." })).toBeVisible();
  expect(presses).toBeLessThanOrEqual(LABELS.length + 3);
  await expectStored("rankerKeys", { tiers: [...order, 7].map((l) => [l]), pool: [], selected: null }, labelToModel);
});

test("the buttons: 24 seeded clicks match the model, and the stored ranking equals it", async ({ page, signIn }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn("rankerButtons");
  await openQueue(page, E2E_TIES_PROJECT);
  const rand = prng(7);
  let model = newModel(LABELS);
  for (let i = 0; i < 24; i++) {
    const ranked = model.tiers.flat();
    const options: { name: string; key: string; label: number }[] = [
      ...model.pool.map((l) => ({ name: `Rank Response ${l} next`, key: String(l), label: l })),
      ...model.pool.map((l) => ({ name: `Add Response ${l} to the end of the ranking`, key: String(l), label: l })),
      ...ranked.filter((l) => ranked.indexOf(l) > 0).map((l) => ({ name: `Move Response ${l} up`, key: "ArrowUp", label: l })),
      ...ranked
        .map((l) => ({ name: `Tie Response ${l} with the one above`, key: "t", label: l }))
        .filter((o) => ranked.indexOf(o.label) > 0),
      ...ranked.map((l) => ({ name: `Remove Response ${l} from the ranking`, key: "Backspace", label: l })),
      ...ranked.map((l) => ({ name: `Unrank Response ${l}`, key: "Backspace", label: l })),
    ];
    const choice = options[Math.floor(rand() * options.length)]!;
    await page.getByRole("button", { name: choice.name, exact: true }).click();
    model = applyKey({ ...model, selected: choice.label }, choice.key);
    await expectShown(page, model, `after click ${i + 1}: ${choice.name}`);
  }
  for (const label of [...model.pool]) {
    await page.getByRole("button", { name: `Rank Response ${label} next`, exact: true }).click();
    model = applyKey({ ...model, selected: label }, String(label));
  }
  await expectShown(page, model, "all ranked");
  await submitAndCheck(page, "rankerButtons", model);
});

test("the first visit introduces the project; the last change before a reload is restored exactly", async ({ page, signIn }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  // A first visit: no prompt of theirs under way (a repeat of this test would find its own draft).
  await queryE2eDatabase(
    `DELETE FROM assignments a USING users u, prompts p, projects j
      WHERE a.user_id = u.id AND u.email = $1 AND a.prompt_id = p.id AND p.project_id = j.id AND j.slug = $2 AND a.status = 'ACTIVE'`,
    [E2E_USERS.rankerDraft.email, E2E_TIES_PROJECT],
  );
  await signIn("rankerDraft", { showIntro: true });
  await page.goto(`/annotate/${E2E_TIES_PROJECT}`);
  const intro = page.getByRole("dialog", { name: "How to rank in E2E ties" });
  await expect(intro).toContainText("Ties are allowed");
  await expect(intro.getByRole("button", { name: "Start ranking" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(intro).toBeHidden();
  await page.getByRole("region", { name: "Prompt" }).click();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keys" })).toContainText("Ctrl+Enter");
  await page.keyboard.press("Escape");
  let model = newModel(LABELS);
  for (const key of ["3", "1", "4", "t", "6", "Backspace"]) {
    await page.keyboard.press(key);
    model = applyKey(model, key);
  }
  await page.getByLabel("Score for Response 1").selectOption("4");
  // Reload at once: the last change goes out with the page (keepalive), not after the debounce.
  await expectShown(page, model, "before the reload");
  await page.reload();
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
  await expect(page.getByRole("dialog", { name: /How to rank/ })).toBeHidden();
  await expectShown(page, model, "after the reload");
  await expect(page.getByLabel("Score for Response 1")).toHaveValue("4");
  await page.getByRole("button", { name: "How to rank" }).click();
  await expect(page.getByRole("dialog", { name: "How to rank in E2E ties" })).toBeVisible();
});
