import { expect, test } from "./support/fixtures";
import { E2E_AGREEMENT_ANNOTATORS, E2E_AGREEMENT_PROJECT } from "./support/constants";

const DASHBOARD = `/projects/${E2E_AGREEMENT_PROJECT}/agreement`;

test("an admin reads the agreement dashboard: figures with intervals, the annotator table and heatmap, bias and model charts", async ({
  page,
  signIn,
}) => {
  // The first view waits for the worker's first computation of the report (and the filtered one's).
  test.setTimeout(180_000);
  await signIn("admin");
  await page.goto(`/projects/${E2E_AGREEMENT_PROJECT}`);
  await page.getByRole("link", { name: "Agreement", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${DASHBOARD}$`));
  // The request never computes: the stored report (or, on the very first view, "being computed"
  // while the worker does it, the page re-rendering every 2 s), labelled with its age once shown;
  // a pending check ends by itself. The first computation waits for the worker to pick up its job.
  await expect(page.getByTestId("report-age")).toHaveText(/^Computed (just now|\d+ min ago)$/, { timeout: 60_000 });

  const humans = page.getByRole("region", { name: "Clinicians with each other", exact: true });
  await expect(humans.getByRole("columnheader", { name: /Clinicians\s*12 prompts · 3 raters/ })).toBeVisible();
  for (const figure of [
    "Pairwise agreement",
    "Kendall's tau-b",
    "Kendall's W",
    "Krippendorff's alpha (ordinal)",
    "Top-1 agreement",
    "Fleiss' kappa (top-1)",
  ]) {
    await expect(humans.getByRole("row", { name: new RegExp(`^${figure.replace(/[()]/g, "\\$&")} -?\\d\\.\\d{3} \\[`) })).toBeVisible();
  }
  const judges = page.getByRole("region", { name: "Judges against the clinicians' consensus" });
  await expect(judges.getByRole("columnheader", { name: /gpt-4o/ }).first()).toBeVisible();

  const annotators = page.getByRole("table", { name: "Annotators" });
  for (const name of E2E_AGREEMENT_ANNOTATORS) await expect(annotators.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  await expect(annotators.getByRole("row", { name: /Dr\. Ames/ })).toContainText("12");
  const heatmap = page.getByRole("grid", { name: "Annotator agreement heatmap" });
  await expect(heatmap.getByRole("rowheader")).toHaveCount(3);
  // Ames and Bello only ever swap one pair: their cell is high; Chu reverses half the prompts.
  await expect(heatmap.getByRole("gridcell").filter({ hasText: /^0\.\d\d$/ })).toHaveCount(6);

  await expect(page.getByRole("figure", { name: "Mean rank by shown position" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Mean rank by length order" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Bradley–Terry strengths (Clinicians)" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Win rates (Clinicians)" })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Source dataset" }).getByRole("row", { name: /^MedQA 6 \(6 compared\) Clinicians/ }),
  ).toBeVisible();
  await expect(
    page
      .getByRole("table", { name: "Prompt type" })
      .getByRole("row", { name: /^exam 12 \(12 compared\) Imported: gpt-4o .* vs consensus/ }),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/agreement-dashboard.png", fullPage: true });

  // Filtering by one annotator leaves nothing to compare among clinicians.
  await page.getByRole("listbox", { name: "Annotators" }).selectOption({ label: "Dr. Ames" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/annotator=/);
  await expect(humans).toContainText("No prompt has two human rankings yet.");

  // The disagreements list opens a prompt with every ranking and the adjudication controls.
  await page.goto(`${DASHBOARD}/disagreements`);
  const rows = page.getByRole("table", { name: "Disagreements" }).getByRole("row");
  await expect(rows).toHaveCount(13);
  await rows.nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Human rankings (3)" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Adjudication" })).toBeVisible();
  await page.getByRole("button", { name: "Send back for more rankings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sent back" })).toContainText("1 more ranking");
});

test("a researcher sees the project-level figures but no annotator rows or names", async ({ page, signIn }) => {
  await signIn("researcher");
  await page.goto(DASHBOARD);
  await expect(
    page.getByRole("region", { name: "Clinicians with each other", exact: true }).getByRole("row", { name: /^Kendall's W \d\.\d{3}/ }),
  ).toBeVisible();
  await expect(page.getByRole("table", { name: "Annotators" })).toHaveCount(0);
  await expect(page.getByRole("grid", { name: "Annotator agreement heatmap" })).toHaveCount(0);
  await expect(page.getByLabel("Annotators")).toHaveCount(0);
  const html = await page.content();
  for (const name of E2E_AGREEMENT_ANNOTATORS) expect(html).not.toContain(name);
  const disagreements = await page.goto(`${DASHBOARD}/disagreements`);
  expect(disagreements?.status()).toBe(403);
});

test("a clinician is refused the dashboard", async ({ page, signIn }) => {
  await signIn("clinician");
  const response = await page.goto(DASHBOARD);
  expect(response?.status()).toBe(403);
});

test("an admin filters the audit log and downloads it as CSV", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/audit");
  await page.getByLabel("Action").fill("rankings.import");
  await page.getByRole("button", { name: "Filter" }).click();
  const entries = page.getByRole("table", { name: "Audit entries" }).getByRole("row");
  await expect(entries.nth(1)).toContainText("rankings.import");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  const lines = text.trim().split("\n");
  expect(lines[0]).toBe("id,time_utc,actor,action,entity_type,entity_id,before,after");
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes('"rankings.import"'))).toBe(true);
  const refused = await page.request.get("/api/audit/export?from=not-a-date");
  expect(refused.status()).toBe(422);
  expect(((await refused.json()) as { code: string }).code).toBe("INVALID_INPUT");
});
