import { expect, test } from "./support/fixtures";
import { E2E_USERS } from "./support/constants";

const NAV: Record<"admin" | "clinician" | "researcher", string[]> = {
  admin: ["Projects", "Judges", "Runs", "Exports", "Users", "Audit log"],
  clinician: ["Annotate"],
  researcher: ["Projects", "Runs", "Exports"],
};

for (const who of ["admin", "clinician", "researcher"] as const) {
  test(`a ${who} signs in and sees the ${who}'s navigation`, async ({ page, signIn }) => {
    await signIn(who);
    const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
    await expect(links).toHaveText(NAV[who]);
    await expect(page.getByText(`· ${who}`)).toBeVisible();
  });
}

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_USERS.admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
});

test("repeated failures lock the account for a while, even with the right password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_USERS.lockout.email);
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toBeVisible();
  }
  await page.getByLabel("Password").fill("e2e-password-for-tests");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("Too many failed sign-in attempts");
});

test("a visitor who is not signed in is sent to the sign-in page", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login$/);
});
