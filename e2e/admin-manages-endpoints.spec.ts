import fs from "node:fs";
import { expect, test } from "./support/fixtures";
import { E2E_JUDGE_KEY_ENV, E2E_STATE_FILE } from "./support/constants";

const state = () => JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { fakeOpenAIUrl: string };

test("an admin tests an endpoint's connection, edits it, and archives it (deleted, as no run used it)", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/judges");
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  const addForm = endpoints.locator("form").last();
  await addForm.getByLabel("Name", { exact: true }).fill("Managed endpoint");
  await addForm.getByLabel("Base URL").fill(state().fakeOpenAIUrl);
  await addForm.getByLabel("Environment variable holding the API key").fill(E2E_JUDGE_KEY_ENV);
  await addForm.getByLabel(/Prices per 1M tokens/).fill("judge-model = 1 / 2");
  await addForm.getByRole("button", { name: "Add endpoint" }).click();
  await expect(addForm.getByRole("status")).toHaveText("Added the endpoint Managed endpoint.");

  const row = endpoints.getByRole("listitem", { name: "Managed endpoint" });
  await expect(row.getByLabel("Model to test with (Managed endpoint)")).toHaveValue("judge-model");
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(row.getByRole("status")).toHaveText(/^Connected in \d+ ms; judge-model answered\.$/);
  await row.getByLabel("Model to test with (Managed endpoint)").fill("");
  await expect(row.getByRole("button", { name: "Test connection" })).toBeDisabled();

  await row.getByRole("button", { name: "Edit" }).click();
  await expect(row.getByRole("button", { name: "Close editor" })).toHaveAttribute("aria-expanded", "true");
  const edit = page.getByRole("form", { name: "Edit Managed endpoint" });
  for (const width of [390, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/endpoints-${width}.png`, fullPage: true });
  }
  await expect(edit.getByLabel(/Prices per 1M tokens/)).toHaveValue("judge-model = 1 / 2");
  await edit.getByLabel("Environment variable holding the API key").fill("sk-proj-1234567890abcdef");
  await edit.getByRole("button", { name: "Save endpoint" }).click();
  await expect(edit.getByRole("alert")).toContainText("This looks like an API key");
  await edit.getByLabel("Environment variable holding the API key").fill(E2E_JUDGE_KEY_ENV);
  await edit.getByLabel("Name", { exact: true }).fill("Renamed endpoint");
  await edit.getByRole("button", { name: "Save endpoint" }).click();
  // The form is named after the endpoint, so after the save it is the renamed endpoint's form.
  await expect(page.getByRole("form", { name: "Edit Renamed endpoint" }).getByRole("status")).toHaveText(
    "Saved the endpoint Renamed endpoint.",
  );
  const renamed = endpoints.getByRole("listitem", { name: "Renamed endpoint" });
  await expect(renamed).toBeVisible();

  page.once("dialog", (dialog) => void dialog.accept());
  await renamed.getByRole("button", { name: "Archive" }).click();
  await expect(endpoints.getByRole("listitem", { name: "Renamed endpoint" })).toHaveCount(0);
  expect(await page.content()).not.toContain("sk-proj-1234567890abcdef");
});
