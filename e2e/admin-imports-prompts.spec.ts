import { expect, test } from "./support/fixtures";
import { E2E_PROJECT } from "./support/constants";

const file = (records: object[]) => ({
  name: "cardiology.jsonl",
  mimeType: "application/json",
  buffer: Buffer.from(records.map((r) => JSON.stringify(r)).join("\n") + "\n"),
});

const prompt = (i: number) => ({
  id: `cardio-${i}`,
  prompt: `E2E question ${i}: first-line treatment of stable angina?`,
  source: "MedQA",
  type: "exam",
  completions: Array.from({ length: 8 }, (_, j) => ({ model: `model-${j}`, text: `Candidate ${j} for question ${i}.` })),
});

test("an admin uploads a file, watches it import and sees its prompts in the project", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto(`/admin/projects/${E2E_PROJECT}/import`);
  await page.getByLabel("File").setInputFiles(file([prompt(1), prompt(2), prompt(3)]));
  await page.getByRole("button", { name: "Import" }).click();
  const result = page.getByRole("region", { name: "Import result" });
  await expect(result.getByRole("status")).toHaveText("Imported 3 prompts with 24 candidate completions.");
  await result.getByRole("link", { name: "View the project's prompts" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${E2E_PROJECT}$`));
  await expect(page.getByText("E2E question 2: first-line treatment of stable angina?")).toBeVisible();
  await expect(page.getByText("cardio-3")).toBeVisible();

  // The same file again adds nothing, and says so.
  await page.goto(`/admin/projects/${E2E_PROJECT}/import`);
  await page.getByLabel("File").setInputFiles(file([prompt(1), prompt(2), prompt(3)]));
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("region", { name: "Import result" }).getByRole("status")).toHaveText(
    "Nothing new: all 3 prompts were already in the project.",
  );
});

test("an invalid file imports nothing and the page lists each problem", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto(`/admin/projects/${E2E_PROJECT}/import`);
  const bad = { ...prompt(9), completions: [{ model: "a", text: "only one" }] };
  await page.getByLabel("File").setInputFiles(file([prompt(8), bad]));
  await page.getByRole("button", { name: "Import" }).click();
  const result = page.getByRole("region", { name: "Import result" });
  // The browser's refusal names the checkbox on the page, not the CLI's --skip-invalid flag.
  await expect(result.getByRole("status")).toHaveText(
    'Nothing imported: 1 of 2 records is invalid. Fix them, or import the valid ones by ticking "Skip invalid records" and importing again.',
  );
  await expect(page.getByRole("checkbox", { name: /^Skip invalid records/ })).toBeVisible();
  await expect(result.getByRole("row", { name: /line 2 completions 1 candidate; a prompt needs 2 to 16/ })).toBeVisible();
  await page.goto(`/projects/${E2E_PROJECT}`);
  await expect(page.getByText("E2E question 8")).toHaveCount(0);
});

test("a file whose format cannot be told names the form's format chooser, and the chosen format is the one read", async ({
  page,
  signIn,
}) => {
  await signIn("admin");
  await page.goto(`/admin/projects/${E2E_PROJECT}/import`);
  const unknown = { name: "questions.jsonl", mimeType: "application/json", buffer: Buffer.from('{"question":"Dose of aspirin?"}\n') };
  await page.getByLabel("File").setInputFiles(unknown);
  await page.getByRole("button", { name: "Import" }).click();
  const result = page.getByRole("region", { name: "Import result" });
  // Skipping invalid records would not help: the summary points at the chooser too.
  await expect(result.getByRole("status")).toHaveText(
    "Nothing imported: the file's format cannot be told from its first record; choose the file's format under \"Format\" and import again.",
  );
  // The web user is pointed at the form's own chooser (its label, exactly), not at the CLI's --format.
  await expect(result.getByRole("row").nth(1).getByRole("cell")).toHaveText([
    "line 1",
    "(record)",
    'cannot tell the file format from this record: expected UltraMedical (conversations + model_outputs), UltraFeedback (instruction + completions) or MedPref JSONL (prompt or messages + completions); choose the file\'s format under "Format" and import again',
  ]);
  const chooser = page.getByRole("combobox", { name: "Format" });
  await expect(chooser.getByRole("option")).toHaveText(["Detect automatically", "UltraMedical", "UltraFeedback", "MedPref JSONL"]);

  // Chosen, the format is the one the server reads the file as: its own fields are the ones missing.
  await chooser.selectOption({ label: "UltraFeedback" });
  await page.getByLabel("File").setInputFiles(unknown);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(result.getByRole("row").nth(1).getByRole("cell")).toHaveText(["line 1", "instruction", "missing prompt: no instruction"]);
  await expect(result.getByRole("row").nth(2).getByRole("cell")).toHaveText(["line 1", "completions", "missing (expected array)"]);
});

test("an admin invites a user, and the audit log records it", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/users");
  await page.getByLabel("Email").fill("new.nurse@medpref.test");
  await page.getByLabel("Name").fill("New Nurse");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toContainText("Created new.nurse@medpref.test. Give them this password (shown once):");
  await expect(page.getByRole("cell", { name: "new.nurse@medpref.test", exact: true })).toBeVisible();
  await page.getByRole("combobox", { name: "Role of new.nurse@medpref.test" }).selectOption("RESEARCHER");
  await expect(page.getByRole("status").filter({ hasText: "new.nurse@medpref.test is now researcher." })).toBeVisible();
  await page.goto("/admin/audit");
  await expect(page.getByRole("cell", { name: "user.create" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "user.role" }).first()).toBeVisible();
});

test("an admin sets a gold ranking on a prompt and assigns prompts to a clinician", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/projects/e2e-annotate");
  await page.getByRole("link", { name: /E2E annotation question 5/ }).click();
  await expect(page.getByRole("heading", { name: "Gold ranking" })).toBeVisible();
  const gold = page.getByRole("region", { name: "Gold ranking" });
  for (let i = 0; i < 8; i++)
    await gold
      .getByRole("button", { name: /^Add Response \d+ to the end of the ranking$/ })
      .first()
      .click();
  await gold.getByRole("button", { name: "Save as gold ranking" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Gold ranking saved" })).toBeVisible();
  await page.goto("/projects/e2e-annotate");
  await page.getByText("Assign prompts to clinicians").click();
  await page.getByRole("checkbox", { name: /e2e-checker@medpref.test/ }).check();
  await page.getByLabel("Prompts per clinician").fill("1");
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Assigned 1 prompt/ })).toBeVisible();
});
