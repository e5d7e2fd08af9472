import fs from "node:fs";
import { expect, test } from "./support/fixtures";
import { E2E_JUDGE_KEY_ENV, E2E_STATE_FILE } from "./support/constants";

const state = () => JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { fakeOpenAIUrl: string };

test("an admin starts a judge run from the browser, watches it finish, reads its position consistency and the judge's rankings per prompt", async ({
  page,
  browser,
  signIn,
}) => {
  test.setTimeout(240_000);
  await signIn("admin");
  await page.goto("/admin/judges");
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  await endpoints.getByLabel("Name", { exact: true }).fill("E2E judge");
  await endpoints.getByLabel("Base URL").fill(state().fakeOpenAIUrl);
  await endpoints.getByLabel("Environment variable holding the API key").fill(E2E_JUDGE_KEY_ENV);
  await endpoints.getByLabel(/Prices per 1M tokens/).fill("judge-model = 1 / 2");
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("status")).toHaveText("Added the endpoint E2E judge.");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await page.getByText("New judge run").click();
  const form = page.getByRole("form", { name: "New judge run" });
  await form.getByLabel("Project").selectOption({ label: "E2E judge" });
  await form.getByLabel("Run name").fill("Browser-started judge");
  await form.getByLabel("Endpoint").selectOption({ label: "E2E judge" });
  await form.getByLabel("Model").fill("judge-model");
  await form.getByLabel("Template").selectOption({ label: "Open-ended biomedical question (v1)" });
  await form.getByLabel("Permutations per prompt").fill("2");
  // The judge answers nothing until the run page is open: the page is watched from start to end.
  const holdChats = (hold: boolean) => page.request.post(`${state().fakeOpenAIUrl}/_fake/hold-chats`, { data: { hold } });
  await holdChats(true);
  try {
    await form.getByRole("button", { name: "Start judge run" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("run-status")).toHaveText("running");
    await expect(page.getByText("Needs prompts with at least two permutations judged.")).toBeVisible();
    await expect(
      page
        .getByRole("region", { name: /Prompts/ })
        .getByRole("listitem")
        .first(),
    ).toContainText("0/2");
  } finally {
    await holdChats(false);
  }
  const runUrl = page.url();
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  const figures = page.getByTestId("run-figures");
  await expect(figures.getByText("Done")).toBeVisible();
  await expect(figures).toContainText("Done12");
  await expect(figures).toContainText("Failed0");
  await expect(figures).toContainText("Calls made12");
  await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
  // No reload: position consistency and the prompt rows follow the run to its end on their own.
  const consistency = page.getByTestId("consistency-figures");
  await expect(consistency).toContainText("Prompts compared6");
  await expect(consistency).toContainText("Mean Kendall tau-b between permutations1.000");
  await expect(consistency).toContainText("100.0%");
  await expect(page.getByRole("figure", { name: "Mean rank by shown position" })).toBeVisible();
  const promptRows = page.getByRole("region", { name: /Prompts/ }).getByRole("listitem");
  await expect(promptRows).toHaveCount(6);
  for (const row of await promptRows.all()) await expect(row).toContainText(/best: m1 · 2\/2$/);

  // Per prompt, with model names: both permutations and their shown orders.
  await page
    .getByRole("region", { name: /Prompts/ })
    .getByRole("link")
    .first()
    .click();
  const judges = page.getByRole("region", { name: /Judge rankings/ });
  await expect(judges.getByRole("link", { name: "Browser-started judge" })).toBeVisible();
  await expect(judges.getByText(/Permutation 1: shown as R1=m\d/)).toBeVisible();
  await expect(judges.getByText(/Permutation 2: shown as/)).toBeVisible();
  await expect(judges.locator("ol").first().locator("li").first()).toContainText("m1");

  // A researcher sees the run but cannot control it; a clinician cannot see it.
  const researcher = await browser.newPage();
  await signIn("researcher", { page: researcher });
  await researcher.goto(runUrl);
  await expect(researcher.getByTestId("run-status")).toHaveText("completed");
  await expect(researcher.getByRole("button", { name: /Pause|Resume|Cancel/ })).toHaveCount(0);
  const clinician = await browser.newPage();
  await signIn("clinician", { page: clinician });
  expect((await clinician.goto(runUrl))?.status()).toBe(403);
  expect((await clinician.request.get(runUrl.replace("/runs/", "/api/runs/"))).status()).toBe(403);
});
