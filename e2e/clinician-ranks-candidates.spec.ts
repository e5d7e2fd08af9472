import { type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { E2E_MODELS } from "./support/annotation-data";
import { E2E_ANNOTATE_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

async function openQueue(page: Page) {
  await page.goto(`/annotate/${E2E_ANNOTATE_PROJECT}`);
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
}

const rankedLabels = (page: Page) =>
  page
    .getByRole("list", { name: "Ranked responses, best first" })
    .locator("li[data-candidate-label]")
    .evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-candidate-label"))));

/** Drags with real pointer events, in steps, as dnd-kit's pointer sensor expects. */
async function drag(page: Page, from: ReturnType<Page["locator"]>, to: ReturnType<Page["locator"]>, where: "top" | "bottom" = "bottom") {
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, where === "top" ? b.y + 4 : b.y + b.height - 6, { steps: 15 });
  await page.mouse.up();
}

async function storedTopModel(email: string): Promise<string[]> {
  const rows = await queryE2eDatabase<{ model: string; rank: number }>(
    `SELECT c.model, e.rank FROM rankings r JOIN users u ON u.id = r.rater_id
       JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
       JOIN ranking_entries e ON e.revision_id = rr.id JOIN completions c ON c.id = e.completion_id
      WHERE u.email = $1 ORDER BY r.created_at, e.rank`,
    [email],
  );
  return rows.map((r) => r.model);
}

test.describe("on a 1920 × 1080 screen", () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test("a clinician ranks 8 candidates by drag and drop, submits, and gets the next prompt without a reload", async ({ page, signIn }) => {
    await signIn("dragger");
    await openQueue(page);
    const firstQuestion = await page.getByRole("region", { name: "Prompt" }).innerText();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const ranking = page.getByRole("list", { name: "Ranked responses, best first" });
    for (const label of [5, 2, 8, 1, 7, 3, 6, 4]) {
      await drag(page, page.getByRole("button", { name: `Drag Response ${label}` }), ranking);
      await expect(ranking.locator(`li[data-candidate-label="${label}"]`)).toBeVisible();
    }
    // Reorder inside the list: the last one to the top.
    const order = await rankedLabels(page);
    expect(order).toHaveLength(8);
    await drag(page, page.getByRole("button", { name: `Drag Response ${order[7]}` }), ranking.locator("li").first(), "top");
    await expect.poll(() => rankedLabels(page).then((o) => o[0])).toBe(order[7]);
    const finalOrder = await rankedLabels(page);
    const labelToModel = new Map<number, string>();
    for (const label of finalOrder) {
      const text = await page
        .getByRole("article", { name: `Response ${label}` })
        .getByLabel(`Text of Response ${label}`)
        .innerText();
      labelToModel.set(label, E2E_MODELS[Number(/Candidate (\d)/.exec(text)![1])]!);
    }
    await page.getByRole("button", { name: "Submit ranking" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Ranking submitted." })).toBeVisible();
    await expect(page.getByRole("region", { name: "Prompt" })).not.toHaveText(firstQuestion);
    await expect(page.getByRole("article", { name: "Response 1" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await storedTopModel(E2E_USERS.dragger.email)).toEqual(finalOrder.map((l) => labelToModel.get(l)));
  });
});

test("a clinician ranks by keyboard only, reloads half-way, finds the draft and submits", async ({ page, signIn }) => {
  await signIn("typist");
  await openQueue(page);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  for (const key of ["3", "1", "4"]) {
    await page.keyboard.press(key);
    await page.keyboard.press("Enter");
  }
  // Picked "4" is third; move it to the top with the arrow key.
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await expect.poll(() => rankedLabels(page)).toEqual([4, 3, 1]);
  await expect(page.getByText(/Draft saved/)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
  await expect.poll(() => rankedLabels(page)).toEqual([4, 3, 1]);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  for (const key of ["8", "2", "7", "5", "6"]) {
    await page.keyboard.press(key);
    await page.keyboard.press("Enter");
  }
  await expect.poll(() => rankedLabels(page)).toEqual([4, 3, 1, 8, 2, 7, 5, 6]);
  await page.getByRole("button", { name: "Submit ranking" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Ranking submitted." })).toBeVisible();
  const stored = await storedTopModel(E2E_USERS.typist.email);
  expect(stored).toHaveLength(8);
});

test("an incomplete ranking is refused with the message next to the ranking", async ({ page, signIn }) => {
  await signIn("checker");
  await openQueue(page);
  await page.getByRole("button", { name: "Rank Response 2 next" }).first().click();
  await page.getByRole("button", { name: "Submit ranking" }).click();
  await expect(page.getByRole("complementary", { name: "Ranking" }).getByRole("alert")).toContainText("Rank every candidate");
});

test("neither the page nor any response a clinician receives names a model", async ({ page, signIn }) => {
  const bodies: string[] = [];
  page.on("response", async (response) => {
    const type = response.headers()["content-type"] ?? "";
    if (type.includes("json") || type.includes("html") || type.includes("x-component")) bodies.push(await response.text().catch(() => ""));
  });
  await signIn("watcher");
  await openQueue(page);
  await page.getByRole("button", { name: "Rank Response 1 next" }).first().click();
  await expect(page.getByText(/Draft saved/)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("article", { name: "Response 8" })).toBeVisible();
  const html = await page.content();
  expect(bodies.length).toBeGreaterThan(3);
  for (const model of E2E_MODELS) {
    expect(html).not.toContain(model);
    for (const body of bodies) expect(body).not.toContain(model);
  }
});

test("a clinician cannot open another clinician's assignment by its address", async ({ browser, signIn }) => {
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await signIn("watcher", { page: ownerPage });
  const next = await ownerPage.request.get(`/api/projects/${E2E_ANNOTATE_PROJECT}/annotation/next`);
  const assignmentId = ((await next.json()) as { assignment: { id: string } }).assignment.id;
  const intruder = await browser.newContext();
  const page = await intruder.newPage();
  await signIn("intruder", { page });
  const response = await page.goto(`/annotate/${E2E_ANNOTATE_PROJECT}/assignments/${assignmentId}`);
  expect(response?.status()).toBe(404);
  const api = await page.request.get(`/api/assignments/${assignmentId}`);
  expect(api.status()).toBe(404);
  const submit = await page.request.post(`/api/assignments/${assignmentId}/submit`, {
    data: { tiers: [] },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  expect(submit.status()).toBe(404);
  await owner.close();
  await intruder.close();
});
