import { expect, type Page } from "@playwright/test";
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

export async function signInAs(page: Page, who: keyof typeof E2E_USERS, options: { showIntro?: boolean } = {}) {
  if (!options.showIntro) await skipRankingIntroductions(page);
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_USERS[who].email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}
