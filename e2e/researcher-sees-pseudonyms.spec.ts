import { expect, test } from "./support/fixtures";
import { E2E_NAMED_CLINICIAN, E2E_NAMED_EXTERNAL_RATER, E2E_PSEUDONYM_PROJECT } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

/** Responses whose bodies carry data (pages, RSC payloads, JSON, export files), not the app's own code. */
const carriesData = (url: URL) => !url.pathname.startsWith("/_next/static/") && !/\.(js|css|svg|ico|png|woff2?)$/.test(url.pathname);

test("a researcher sees rater pseudonyms only: no clinician's name or email in any page, API response or export file they can reach", async ({
  page,
  signIn,
}) => {
  test.setTimeout(480_000);
  const people = await queryE2eDatabase<{ name: string; email: string; pseudonym: string }>(
    `SELECT name, email, pseudonym FROM users WHERE role = 'CLINICIAN' OR is_external`,
  );
  const needles = [...new Set(people.flatMap((p) => [p.name, p.email]))].map((n) => n.toLowerCase());
  expect(needles).toEqual(
    expect.arrayContaining([
      E2E_NAMED_CLINICIAN.name.toLowerCase(),
      E2E_NAMED_CLINICIAN.email,
      E2E_NAMED_EXTERNAL_RATER.toLowerCase(),
      "dr. ames",
    ]),
  );
  const pseudonymOf = (name: string) => people.find((p) => p.name === name)!.pseudonym;
  // The seeded export of the named raters' rankings is built by the e2e worker.
  await expect
    .poll(
      async () => (await queryE2eDatabase<{ status: string }>(`SELECT status FROM exports WHERE name = 'E2E pseudonym export'`))[0]?.status,
      { timeout: 60_000 },
    )
    .toBe("READY");

  await signIn("researcher");
  const origin = new URL(page.url()).origin;
  const leaks: { url: string; found: string }[] = [];
  const checked = new Set<string>();
  const check = (url: string, body: string) => {
    checked.add(url);
    const text = body.toLowerCase();
    for (const needle of needles) if (text.includes(needle)) leaks.push({ url, found: needle });
  };

  // Discover every page from the researcher's navigation by following links. Each page is fetched
  // as the browser gets it (the HTML with the server-rendered React payload inline); what its live
  // views fetch afterwards (runs, exports, their files) is asked for directly below.
  const queue = ["/projects", "/runs", "/exports", "/exports/tokens"];
  const seen = new Set(queue);
  const files: string[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeLessThan(500);
    const html = (await response.body()).toString("utf8");
    check(path, html);
    for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
      const url = new URL(href!.replace(/&amp;/g, "&"), origin);
      if (
        url.origin !== origin ||
        url.pathname.startsWith("/api/auth") ||
        url.pathname.startsWith("/_next/") ||
        url.pathname === "/login" ||
        !carriesData(url)
      )
        continue;
      const target = url.pathname + url.search;
      if (seen.has(target) || seen.size >= 400) continue;
      seen.add(target);
      // Downloads are fetched as files; the zip holds the same files, compressed.
      if (url.pathname.startsWith("/api/")) files.push(target);
      else queue.push(target);
    }
  }
  // What the pages' live views fetch (runs, exports and their files), asked directly too.
  const exports = (await (await page.request.get("/api/exports")).json()) as {
    id: string;
    name: string;
    status: string;
    files: { path: string }[];
  }[];
  const runs = await queryE2eDatabase<{ id: string }>(`SELECT id FROM judge_runs`);
  const apiRoutes = new Set([
    "/api/exports",
    ...exports.map((e) => `/api/exports/${e.id}`),
    ...exports
      .filter((e) => e.status === "READY")
      .flatMap((e) => [`/api/exports/${e.id}/files/manifest.json`, ...e.files.map((f) => `/api/exports/${e.id}/files/${f.path}`)]),
    ...runs.map((r) => `/api/runs/${r.id}`),
    ...files.filter((f) => !f.endsWith("/zip")),
  ]);
  for (const route of apiRoutes) {
    const response = await page.request.get(route);
    expect(response.status(), route).toBe(200);
    check(route, (await response.body()).toString("utf8"));
  }

  expect(leaks).toEqual([]);
  // The crawl reached what matters: the pages of the named raters' prompts, and the export's files.
  const [seeded] = await queryE2eDatabase<{ id: string }>(
    `SELECT p.id FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = $1 AND p.external_id = 'pseudo-0'`,
    [E2E_PSEUDONYM_PROJECT],
  );
  const promptPage = `/projects/${E2E_PSEUDONYM_PROJECT}/prompts/${seeded!.id}`;
  expect([...checked]).toContain(promptPage);
  expect(checked.size).toBeGreaterThan(30);
  const pseudonymExport = exports.find((e) => e.name === "E2E pseudonym export")!;
  const rankingFiles = [...checked].filter((u) => u.startsWith(`/api/exports/${pseudonymExport.id}/files/data/`));
  expect(rankingFiles.length).toBeGreaterThan(0);
  // …where the raters appear under their pseudonyms.
  await page.goto(promptPage);
  await expect(page.getByText(`human · ${pseudonymOf(E2E_NAMED_CLINICIAN.name)} · revision 1`, { exact: true })).toBeVisible();
  await expect(
    page.getByText(`human · ${pseudonymOf(E2E_NAMED_EXTERNAL_RATER)} (external rater) · revision 1`, { exact: true }),
  ).toBeVisible();
  const fileTexts = await Promise.all(rankingFiles.map(async (f) => (await (await page.request.get(f)).body()).toString("utf8")));
  expect(fileTexts.join("\n")).toContain(pseudonymOf(E2E_NAMED_CLINICIAN.name));
});
