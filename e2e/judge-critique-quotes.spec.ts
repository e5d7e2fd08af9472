import fs from "node:fs";
import { expect, test } from "./support/fixtures";
import { E2E_JUDGE_KEY_ENV, E2E_STATE_FILE } from "./support/constants";

const state = () => JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { fakeOpenAIUrl: string };

test("an admin runs a judge asked for critique spans and reads on the run page how its quotes matched, with the unmatched ones", async ({
  page,
  signIn,
}) => {
  test.setTimeout(180_000);
  await signIn("admin");
  await page.goto("/admin/judges");
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  await endpoints.getByLabel("Name", { exact: true }).fill("E2E critic");
  await endpoints.getByLabel("Base URL").fill(state().fakeOpenAIUrl);
  await endpoints.getByLabel("Environment variable holding the API key").fill(E2E_JUDGE_KEY_ENV);
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("status")).toHaveText("Added the endpoint E2E critic.");

  await page.goto("/runs");
  await page.getByText("New judge run").click();
  const form = page.getByRole("form", { name: "New judge run" });
  await form.getByLabel("Project").selectOption({ label: "E2E judge" });
  await form.getByLabel("Run name").fill("Critic judge");
  await form.getByLabel("Endpoint").selectOption({ label: "E2E critic" });
  await form.getByLabel("Model").fill("critic-model");
  await form.getByLabel("Template").selectOption({ label: "Open-ended biomedical question, with critique spans (v1)" });
  await form.getByLabel("Permutations per prompt").fill("1");
  await form.getByRole("button", { name: "Start judge run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  await page.reload();

  // Six prompts, one permutation: each answer quotes the planted fault (found exactly) and one invented passage (found nowhere).
  const section = page.getByRole("region", { name: "Critique quotes" });
  const figures = section.getByTestId("critique-quote-figures");
  await expect(figures).toContainText("Matched exactly6 (50.0%)");
  await expect(figures).toContainText("Matched normalised0 (0.0%)");
  await expect(figures).toContainText("Matched fuzzily0 (0.0%)");
  await expect(figures).toContainText("Not found6 (50.0%)");
  await expect(section.getByRole("figure", { name: "Critique quotes by how they matched" })).toBeVisible();
  const unmatched = section.getByTestId("unmatched-quotes").getByRole("listitem");
  await expect(unmatched).toHaveCount(6);
  await expect(unmatched.first()).toContainText("Zebras prescribe quantum penicillin on Tuesdays");
  await expect(unmatched.first()).toContainText("Response 1 · Hallucinated reference · minor");

  const folder = process.env.MEDPREF_SCREENSHOTS ? "docs/screenshots" : "test-results";
  await page.setViewportSize({ width: 1920, height: 1080 });
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: `${folder}/judge-critique-quotes-1920-light.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(figures).toContainText("Not found6");
  await section.screenshot({ path: `${folder}/judge-critique-quotes-390-dark.png` });
});
