import { type BrowserContext, type Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";

/** The body's background in sRGB channels, read back through a canvas (Chromium reports lab()). */
async function backgroundRgb(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const context = document.createElement("canvas").getContext("2d")!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  });
}
const isDark = async (page: Page) => Math.max(...(await backgroundRgb(page))) <= 40;
const isLight = async (page: Page) => Math.min(...(await backgroundRgb(page))) >= 240;

async function themeCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((c) => c.name === "medpref-theme")?.value;
}

async function savedTheme(): Promise<string | null> {
  const [row] = await queryE2eDatabase<{ theme: string | null }>(`SELECT theme::text FROM users WHERE email = $1`, [
    E2E_USERS.themer.email,
  ]);
  return row!.theme;
}

test("the theme follows the system until chosen; a choice applies at once, is drawn by the server, is saved per user and follows them to a new browser", async ({
  browser,
  signIn,
}) => {
  test.setTimeout(120_000);
  // A light system: the login page follows it.
  const laptop = await browser.newContext({ colorScheme: "light" });
  const page = await laptop.newPage();
  await page.goto("/login");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "system");
  expect(await isLight(page)).toBe(true);
  const loginThemes = page.getByRole("group", { name: "Theme" });
  await expect(loginThemes.getByRole("radio", { name: "System" })).toBeChecked();

  // Dark on the login page: at once, kept in this browser's cookie, and served that way (no flash).
  await loginThemes.getByText("Dark", { exact: true }).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await isDark(page)).toBe(true);
  expect(await themeCookie(laptop)).toBe("dark");
  expect(await (await page.request.get("/login")).text()).toContain('<html lang="en" data-theme="dark">');

  // Signing in keeps this browser's choice; nothing is saved for the user until they choose.
  await signIn("themer", { page });
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await savedTheme()).toBeNull();

  // Light in the navigation: at once, saved, mirrored into the cookie.
  const navThemes = page.getByRole("banner").getByRole("group", { name: "Theme" });
  await expect(navThemes.getByRole("radio", { name: "Dark" })).toBeChecked();
  await navThemes.getByText("Light", { exact: true }).click();
  await expect(html).toHaveAttribute("data-theme", "light");
  expect(await isLight(page)).toBe(true);
  await expect.poll(savedTheme).toBe("LIGHT");
  expect(await themeCookie(laptop)).toBe("light");

  // The keyboard: arrow keys move along System, Light, Dark.
  await navThemes.getByRole("radio", { name: "Light" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(navThemes.getByRole("radio", { name: "Dark" })).toBeChecked();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect.poll(savedTheme).toBe("DARK");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(navThemes.getByRole("radio", { name: "Dark" })).toBeChecked();

  // A new browser with a light system and no cookie: signed in, the saved choice is drawn and the cookie follows.
  const phone = await browser.newContext({ colorScheme: "light", viewport: { width: 390, height: 844 } });
  const phonePage = await phone.newPage();
  await phonePage.goto("/login");
  await expect(phonePage.locator("html")).toHaveAttribute("data-theme", "system");
  expect(await themeCookie(phone)).toBeUndefined();
  await signIn("themer", { page: phonePage });
  await expect(phonePage.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await isDark(phonePage)).toBe(true);
  await expect.poll(() => themeCookie(phone)).toBe("dark");

  // Back to System: the page follows the (light) system again, everywhere.
  await phonePage.getByRole("banner").getByRole("group", { name: "Theme" }).getByText("System", { exact: true }).click();
  await expect(phonePage.locator("html")).toHaveAttribute("data-theme", "system");
  expect(await isLight(phonePage)).toBe(true);
  await expect.poll(savedTheme).toBe("SYSTEM");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "system");
  await expect.poll(() => themeCookie(laptop)).toBe("system");
  await laptop.close();
  await phone.close();
});
