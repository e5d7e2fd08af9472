import { readFile } from "node:fs/promises";
import { expect, test } from "./support/fixtures";

test("a researcher builds an export, watches it build, downloads the zip, and a script downloads it with an API token until it is revoked", async ({
  page,
  playwright,
  signIn,
}) => {
  await signIn("researcher");
  await page.getByRole("link", { name: "Exports", exact: true }).click();
  await expect(page).toHaveURL(/\/exports$/);
  const form = page.getByRole("form", { name: "New export" });
  if (!(await form.isVisible())) await page.getByText("New export", { exact: true }).click();
  // Only the seeded agreement project (three clinicians' rankings).
  for (const box of await form.locator('input[name="projects"]').all()) await box.uncheck();
  await form.getByRole("checkbox", { name: "E2E agreement" }).check();
  await form.getByLabel("Name (optional)").fill("E2E DPO export");
  await form.getByLabel("Format").selectOption("h4");
  await form.getByLabel("File type").selectOption("parquet");
  await form.getByRole("textbox", { name: "Splits" }).fill("train=0.75,test=0.25");
  await form.getByRole("button", { name: "Build export" }).click();

  await expect(page).toHaveURL(/\/exports\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("progressbar", { name: "Export progress" })).toBeVisible();
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  await expect(page.getByRole("progressbar", { name: "Export progress" })).toHaveAttribute("aria-valuenow", "100");
  for (const file of ["data/train_prefs.parquet", "data/test_prefs.parquet", "data/train_sft.parquet", "README.md", "manifest.json"]) {
    await expect(page.getByRole("link", { name: file, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("dataset-card")).toContainText("data_files:");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download .zip" }).click();
  const zip = await readFile(await (await download).path());
  expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  expect(zip.includes(Buffer.from("/manifest.json"))).toBe(true);
  expect(zip.includes(Buffer.from("/data/train_prefs.parquet"))).toBe(true);

  // An API token, used without the browser's session.
  await page.goto("/exports/tokens");
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-api-token").textContent())!.trim();
  expect(token).toMatch(/^mpt_/);
  const script = await playwright.request.newContext({ baseURL: new URL(page.url()).origin });
  const headers = { authorization: `Bearer ${token}` };
  const viaToken = await script.get(`/api/exports/${id}/zip`, { headers });
  expect(viaToken.status()).toBe(200);
  expect((await viaToken.body()).equals(zip)).toBe(true);
  const manifest = await script.get(`/api/exports/${id}/files/manifest.json`, { headers });
  expect((await manifest.json()).config.format).toBe("h4");
  expect((await script.get(`/api/exports/${id}/zip`)).status()).toBe(401);

  await page.reload();
  await page
    .getByRole("row", { name: /e2e script/ })
    .getByRole("button", { name: "Revoke" })
    .click();
  await expect(page.getByRole("row", { name: /e2e script/ })).toContainText("revoked");
  const refused = await script.get(`/api/exports/${id}/zip`, { headers });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error).toContain("revoked");
  await script.dispose();
});

test("a researcher builds a KTO export with a top-k cut; the split that got no prompt is left out, and the page says why", async ({
  page,
  signIn,
}) => {
  await signIn("researcher");
  await page.goto("/exports");
  const form = page.getByRole("form", { name: "New export" });
  if (!(await form.isVisible())) await page.getByText("New export", { exact: true }).click();
  for (const box of await form.locator('input[name="projects"]').all()) await box.uncheck();
  await form.getByRole("checkbox", { name: "E2E agreement" }).check();
  await form.getByLabel("Format").selectOption("kto");
  await form.getByLabel("KTO labels (from the aggregated ranking; no pairing)").selectOption("top-k");
  await form.getByRole("spinbutton", { name: "k", exact: true }).fill("1");
  // 12 prompts, 6 per source: no group's midpoint reaches 0.95, so test gets none.
  await form.getByRole("textbox", { name: "Splits" }).fill("train=0.95,test=0.05");
  await form.getByRole("button", { name: "Build export" }).click();
  await expect(page).toHaveURL(/\/exports\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("export-status")).toHaveText("ready", { timeout: 30_000 });
  await expect(page.getByRole("link", { name: "data/train.jsonl", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "data/test.jsonl", exact: true })).toHaveCount(0);
  await expect(page.getByTestId("export-left-out")).toContainText(
    'test: no prompt fell into the split "test" (fraction 0.05 of the prompts in scope).',
  );
  await expect(page.getByTestId("dataset-card")).toContainText("kto:top-1");
  await page.screenshot({ path: "test-results/export-left-out.png", fullPage: true });
});

test("a clinician is refused the export API", async ({ page, signIn }) => {
  await signIn("clinician");
  expect((await page.request.get("/api/exports")).status()).toBe(403);
  expect((await page.request.get(`/api/exports/${crypto.randomUUID()}/zip`)).status()).toBe(403);
});
