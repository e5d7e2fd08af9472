import { expect, test } from "./support/fixtures";

test("an admin adds a judge endpoint by the name of its key's variable; a pasted key and NEXTAUTH_SECRET are refused", async ({
  page,
  signIn,
}) => {
  await signIn("admin");
  await page.goto("/admin/judges");
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  await endpoints.getByLabel("Name", { exact: true }).fill("Local vLLM");
  await endpoints.getByLabel("Base URL").fill("http://127.0.0.1:8000/v1");
  await endpoints.getByLabel("Environment variable holding the API key").fill("sk-proj-1234567890abcdef");
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("alert")).toContainText("This looks like an API key");
  await endpoints.getByLabel("Environment variable holding the API key").fill("NEXTAUTH_SECRET");
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("alert")).toHaveText(
    "Key variable: NEXTAUTH_SECRET is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching MEDPREF_KEY_*, *_API_KEY.",
  );
  await expect(endpoints.getByLabel("Environment variable holding the API key")).toHaveAttribute("aria-invalid", "true");
  await endpoints.getByLabel("Environment variable holding the API key").fill("VLLM_API_KEY");
  await endpoints.getByLabel(/Prices per 1M tokens/).fill("llama-3-70b = 0.5 / 0.8");
  await endpoints.getByRole("button", { name: "Add endpoint" }).click();
  await expect(endpoints.getByRole("status")).toHaveText("Added the endpoint Local vLLM.");
  await expect(endpoints.getByRole("listitem", { name: "Local vLLM" })).toContainText("Key variable VLLM_API_KEY (not set on this server)");
  await expect(page.getByText(/^Open-ended biomedical question \(open-ended, version 1/)).toBeVisible();
  expect(await page.content()).not.toContain("sk-proj-1234567890abcdef");
});
