import { test as base } from "@playwright/test";
import type { E2E_USERS } from "./constants";
import { signInAs } from "./sign-in";

/**
 * The e2e test with a sign-in fixture: `test("…", async ({ page, signIn }) => { await signIn("clinician"); … })`
 * signs the page's context in through the credentials endpoint (not the form) and opens the home page.
 */
export const test = base.extend<{ signIn: (who: keyof typeof E2E_USERS, options?: { showIntro?: boolean }) => Promise<void> }>({
  signIn: async ({ page }, provide) => {
    await provide((who, options) => signInAs(page, who, options));
  },
});

export { expect } from "@playwright/test";
