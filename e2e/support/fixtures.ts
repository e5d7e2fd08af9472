import { test as base, type Page } from "@playwright/test";
import type { E2E_USERS } from "./constants";
import { signInAs } from "./sign-in";

export interface SignInOptions {
  /** Opens the project's first-visit ranking introduction instead of marking it seen. */
  showIntro?: boolean;
  /** Another page (a second browser context, a second user) to sign in instead of the test's `page`. */
  page?: Page;
}

/**
 * The e2e test with a sign-in fixture: `test("…", async ({ page, signIn }) => { await signIn("clinician"); … })`
 * signs the page's context in through the credentials endpoint (not the form) and opens the home page.
 */
export type SignIn = (who: keyof typeof E2E_USERS, options?: SignInOptions) => Promise<void>;

export const test = base.extend<{ signIn: SignIn }>({
  signIn: async ({ page }, provide) => {
    await provide((who, { page: other, ...options } = {}) => signInAs(other ?? page, who, options));
  },
});

export { expect } from "@playwright/test";
