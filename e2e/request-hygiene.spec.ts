import { type APIRequestContext, type Page } from "@playwright/test";
import { expect, test, type SignIn } from "./support/fixtures";
import { E2E_BASE_URL, E2E_HYGIENE_PROJECT, E2E_PROJECT } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

// Writes another site could forge, and text that cannot be stored: each is refused with a 4xx
// that says why (and which field or line), and nothing is written.

const EVIL = "http://evil.example";
const importUrl = (slug: string, id: string) => `/api/projects/${slug}/imports?importId=${id}&fileName=upload.jsonl`;
const record = (i: number, text = `Answer ${i}`) =>
  JSON.stringify({
    id: `hyg-${i}`,
    prompt: `Hygiene import question ${i}?`,
    completions: [
      { model: "a", text },
      { model: "b", text: "other" },
    ],
  });
const promptsOf = async (slug: string) =>
  (
    await queryE2eDatabase<{ n: number }>(
      "SELECT count(*)::int AS n FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = $1",
      [slug],
    )
  )[0]!.n;

/** The hygiene clinician's claimed assignment (a project no other test uses). */
async function claimAssignment(request: APIRequestContext): Promise<string> {
  const next = await request.get(`/api/projects/${E2E_HYGIENE_PROJECT}/annotation/next`);
  expect(next.status()).toBe(200);
  const body = (await next.json()) as { done: boolean; assignment: { id: string } };
  expect(body.done).toBe(false);
  return body.assignment.id;
}

async function signedIn({ page, signIn }: { page: Page; signIn: SignIn }, who: "admin" | "hygiene") {
  await signIn(who);
  return page.request;
}

test.describe("cross-site and wrongly typed writes", () => {
  test("an import posted from another origin, or as text/plain, is refused and imports nothing", async ({ page, signIn }) => {
    const request = await signedIn({ page, signIn }, "admin");
    const before = await promptsOf(E2E_PROJECT);
    const crossSite = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: record(1),
      headers: { origin: EVIL, "content-type": "text/plain" },
    });
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.json()).toEqual({
      code: "CROSS_SITE_REQUEST",
      error: `Refused: this request comes from another origin (${EVIL}).`,
    });
    const fetchMetadata = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: record(1),
      headers: { "sec-fetch-site": "cross-site", "content-type": "application/octet-stream" },
    });
    expect(fetchMetadata.status()).toBe(403);
    expect((await fetchMetadata.json()).code).toBe("CROSS_SITE_REQUEST");
    const plain = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: record(1),
      headers: { origin: E2E_BASE_URL, "content-type": "text/plain" },
    });
    expect(plain.status()).toBe(415);
    expect(await plain.json()).toEqual({
      code: "UNSUPPORTED_MEDIA_TYPE",
      error:
        "Send the body as application/octet-stream or application/json or application/x-ndjson or application/jsonl or application/x-jsonlines (got text/plain).",
    });
    expect(await promptsOf(E2E_PROJECT)).toBe(before);
  });

  test("a draft or skip from another site or as text/plain is refused and the assignment is untouched", async ({ page, signIn }) => {
    const request = await signedIn({ page, signIn }, "hygiene");
    const id = await claimAssignment(request);
    const draft = JSON.stringify({ tiers: [], rationale: "forged" });
    expect((await request.put(`/api/assignments/${id}/draft`, { data: draft, headers: { "content-type": "text/plain" } })).status()).toBe(
      415,
    );
    expect(
      (
        await request.put(`/api/assignments/${id}/draft`, { data: draft, headers: { "content-type": "application/json", origin: EVIL } })
      ).status(),
    ).toBe(403);
    expect(
      (
        await request.post(`/api/assignments/${id}/skip`, {
          data: JSON.stringify({ reason: "forged skip" }),
          headers: { "content-type": "text/plain" },
        })
      ).status(),
    ).toBe(415);
    const [row] = await queryE2eDatabase<{ status: string; draft: unknown }>("SELECT status, draft FROM assignments WHERE id = $1", [id]);
    expect(row).toEqual({ status: "ACTIVE", draft: null });
    // The app's own request (same origin, JSON) still works.
    const own = await request.put(`/api/assignments/${id}/draft`, {
      data: draft,
      headers: { "content-type": "application/json", origin: E2E_BASE_URL, "sec-fetch-site": "same-origin" },
    });
    expect(own.status()).toBe(200);
  });
});

test.describe("text that cannot be stored", () => {
  test("a NUL or a lone surrogate in a draft or a skip reason is a 422 naming the field, and nothing is stored", async ({
    page,
    signIn,
  }) => {
    const request = await signedIn({ page, signIn }, "hygiene");
    const id = await claimAssignment(request);
    await queryE2eDatabase("UPDATE assignments SET draft = NULL WHERE id = $1", [id]);
    const candidate = ((await (await request.get(`/api/assignments/${id}`)).json()) as { candidates: { id: string }[] }).candidates[0]!.id;
    // JSON.stringify writes NUL and a lone surrogate as escapes (\u0000, \ud83d), as the app's pages would send them.
    const nulDraft = await request.put(`/api/assignments/${id}/draft`, {
      data: JSON.stringify({ tiers: [], details: { [candidate]: { comment: "bad\u0000comment" } } }),
      headers: { "content-type": "application/json" },
    });
    expect(nulDraft.status()).toBe(422);
    expect(await nulDraft.json()).toEqual({
      error: `details.${candidate}.comment: contains a NUL character (U+0000)`,
      code: "INVALID_INPUT",
      field: `details.${candidate}.comment`,
    });
    const surrogateDraft = await request.put(`/api/assignments/${id}/draft`, {
      data: JSON.stringify({ tiers: [], rationale: "half an emoji \uD83D" }),
      headers: { "content-type": "application/json" },
    });
    expect(surrogateDraft.status()).toBe(422);
    expect(await surrogateDraft.json()).toEqual({
      error: "rationale: contains a lone surrogate (invalid Unicode)",
      code: "INVALID_INPUT",
      field: "rationale",
    });
    const skip = await request.post(`/api/assignments/${id}/skip`, {
      data: JSON.stringify({ reason: "not my \u0000 field" }),
      headers: { "content-type": "application/json" },
    });
    expect(skip.status()).toBe(422);
    expect(await skip.json()).toEqual({ error: "reason: contains a NUL character (U+0000)", code: "INVALID_INPUT", field: "reason" });
    const [row] = await queryE2eDatabase<{ status: string; draft: unknown; skip_reason: string | null }>(
      "SELECT status, draft, skip_reason FROM assignments WHERE id = $1",
      [id],
    );
    expect(row).toEqual({ status: "ACTIVE", draft: null, skip_reason: null });
  });

  test("an import with an escaped NUL or lone surrogate names the line and field and imports nothing", async ({ page, signIn }) => {
    const request = await signedIn({ page, signIn }, "admin");
    const before = await promptsOf(E2E_PROJECT);
    const body = [record(11), record(12, "bad \u0000 text"), record(13, "\uDC00")].join("\n");
    const res = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: body,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(res.status()).toBe(422);
    const summary = (await res.json()) as {
      ok: boolean;
      promptsAdded: number;
      problems: { location: string; field: string; reason: string }[];
    };
    expect(summary.ok).toBe(false);
    expect(summary.promptsAdded).toBe(0);
    expect(summary.problems).toEqual([
      { location: "line 2", field: "completions[0].text", reason: "contains a NUL character (U+0000)" },
      { location: "line 3", field: "completions[0].text", reason: "contains a lone surrogate (invalid Unicode)" },
    ]);
    expect(await promptsOf(E2E_PROJECT)).toBe(before);
  });

  test("a binary or Latin-1 upload is refused with a message and imports nothing", async ({ page, signIn }) => {
    const request = await signedIn({ page, signIn }, "admin");
    const before = await promptsOf(E2E_PROJECT);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), Buffer.from("IHDR")]);
    const binary = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: png,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(binary.status()).toBe(422);
    expect(await binary.json()).toEqual({
      error: "The file is not text: it contains a NUL byte at byte 8. Upload a JSON or JSON Lines file in UTF-8.",
      code: "INVALID_INPUT",
      field: "file",
    });
    const latin1 = await request.post(importUrl(E2E_PROJECT, crypto.randomUUID()), {
      data: Buffer.from(record(21).replace("Answer", "R\u00e9ponse"), "latin1"),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(latin1.status()).toBe(422);
    expect((await latin1.json()).error).toMatch(
      /^The file is not UTF-8 text: an invalid byte sequence is in bytes 1 to \d+\. Save it as UTF-8 and upload it again\.$/,
    );
    expect(await promptsOf(E2E_PROJECT)).toBe(before);
  });

  test("a NUL typed into a form (server action) is refused next to the field and nothing is created", async ({ page, signIn }) => {
    await signIn("admin");
    await page.goto("/projects");
    const form = page.getByRole("form", { name: "New project" });
    await form.getByLabel("Name").fill("Hygiene form project");
    await form.getByLabel("Slug").fill("hygiene-form");
    await form.getByLabel("Guidelines (Markdown)").fill("Rank by safety\u0000first");
    await form.getByRole("button", { name: "Create project" }).click();
    await expect(form.getByRole("alert")).toHaveText("guidelines: contains a NUL character (U+0000)");
    expect(await queryE2eDatabase("SELECT id FROM projects WHERE slug = 'hygiene-form'")).toEqual([]);
  });
});
