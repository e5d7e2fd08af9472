import { expect, test } from "@playwright/test";
import { E2E_PROJECT } from "./support/constants";
import { signInAs } from "./support/sign-in";

test.describe("a clinician is refused by the server, not only by hidden links", () => {
  test.beforeEach(async ({ page }) => {
    await signInAs(page, "clinician");
  });

  for (const path of ["/admin/users", "/admin/audit", "/admin/judges", `/admin/projects/${E2E_PROJECT}/import`, "/projects", "/runs", `/projects/${E2E_PROJECT}/agreement`, `/projects/${E2E_PROJECT}/agreement/disagreements`, "/exports", "/exports/tokens"]) {
    test(`the page ${path} answers 403`, async ({ page }) => {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    });
  }

  test("the audit CSV route answers 403", async ({ page }) => {
    const response = await page.request.get("/api/audit/export");
    expect(response.status()).toBe(403);
  });

  test("the import route handler answers 403 and imports nothing", async ({ page }) => {
    const id = crypto.randomUUID();
    const response = await page.request.post(`/api/projects/${E2E_PROJECT}/imports?importId=${id}&fileName=x.jsonl`, {
      data: JSON.stringify({ prompt: "Q?", completions: [{ model: "a", text: "x" }, { model: "b", text: "y" }] }),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: "This needs the admin role." });
    const status = await page.request.get(`/api/imports/${id}`);
    expect(status.status()).toBe(403);
  });
});

test("a route handler answers 401 without a session", async ({ request }) => {
  const response = await request.get(`/api/imports/${crypto.randomUUID()}`);
  expect(response.status()).toBe(401);
});

test("a researcher cannot use an admin server page either", async ({ page }) => {
  await signInAs(page, "researcher");
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
});
