import { expect, test } from "./support/fixtures";
import { E2E_XSS_PROJECT } from "./support/constants";

test("candidates carrying scripts, event handlers, javascript: and data: links and remote images run and load nothing", async ({
  page,
  signIn,
}) => {
  const dialogs: string[] = [];
  const remote: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (r.url().startsWith("http://127.0.0.1:9")) remote.push(r.url());
  });
  await signIn("intruder");
  await page.goto(`/annotate/${E2E_XSS_PROJECT}`);
  for (const label of [1, 2, 3, 4, 5]) await expect(page.getByRole("article", { name: `Response ${label}` })).toBeVisible();
  await expect(page.getByText("Safe text A")).toBeVisible();
  await expect(page.getByText("[image: tracking pixel not loaded]")).toBeVisible();
  // The link as rendered carries nothing that can run: no script URL, no event handler attribute.
  const link = page.getByText("click me");
  expect(
    await link.evaluate((el) =>
      [el, ...el.querySelectorAll("*")].flatMap((e) =>
        [...e.attributes].filter((a) => /^on/i.test(a.name) || /^\s*(javascript|data):/i.test(a.value)).map((a) => `${a.name}=${a.value}`),
      ),
    ),
  ).toEqual([]);
  const url = page.url();
  await link.click();
  // Whatever the click queued (a navigation, a handler) runs before a task queued after it and the next frame.
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 0)));
  expect(page.url()).toBe(url);
  const grid = page.getByTestId("candidate-grid");
  expect(await grid.locator("script, img, iframe").count()).toBe(0);
  const hrefs = await grid.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(hrefs.filter((h) => h && /^(javascript|data):/i.test(h))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(remote).toEqual([]);
  const csp = (await page.request.get(`/annotate/${E2E_XSS_PROJECT}`)).headers()["content-security-policy"];
  expect(csp).toContain("img-src 'self' data:");
});
