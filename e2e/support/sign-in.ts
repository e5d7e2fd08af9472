import { expect, type APIRequestContext, type Page } from "@playwright/test";
import {
  E2E_AGREEMENT_PROJECT,
  E2E_ANNOTATE_PROJECT,
  E2E_JUDGE_PROJECT,
  E2E_PASSWORD,
  E2E_PROJECT,
  E2E_TIES_PROJECT,
  E2E_USERS,
  E2E_XSS_PROJECT,
} from "./constants";

/** Marks every e2e project's first-visit ranking introduction as seen (tests of it pass `showIntro`). */
async function skipRankingIntroductions(page: Page) {
  const slugs = [E2E_ANNOTATE_PROJECT, E2E_TIES_PROJECT, E2E_XSS_PROJECT, E2E_JUDGE_PROJECT, E2E_PROJECT, E2E_AGREEMENT_PROJECT];
  await page.addInitScript((all: string[]) => {
    for (const slug of all) window.localStorage.setItem(`medpref.intro.done.${slug}`, "1");
  }, slugs);
}

/**
 * Signs a cookie jar in through next-auth's credentials endpoint, as the login form does, without
 * driving the form (the form itself is tested in sign-in-and-roles.spec.ts and sessions-end.spec.ts).
 */
export async function signInThroughApi(request: APIRequestContext, who: keyof typeof E2E_USERS) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  // Password hashing is slow on a loaded test machine: no short timeout here.
  await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: E2E_USERS[who].email, password: E2E_PASSWORD, json: "true" },
    timeout: 120_000,
  });
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, `${who} signed in`).toBe(E2E_USERS[who].email);
}

/** Signs the page's browser context in as `who` and opens the home page (the state a sign-in through the form ends in). */
export async function signInAs(page: Page, who: keyof typeof E2E_USERS, options: { showIntro?: boolean } = {}) {
  if (!options.showIntro) await skipRankingIntroductions(page);
  await signInThroughApi(page.request, who);
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}
