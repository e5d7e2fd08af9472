import type { Page } from "@playwright/test";
import { expect } from "./fixtures";

export type PairKey = "a" | "b" | "t" | "x";

/**
 * Answers every pair of a set left for the clinician on `page`, with the keyboard only: the answer's
 * key from `pick` (given the two responses' texts and the pair's number this session), confidence 4,
 * Enter. Returns the milliseconds each pair took, from the pair shown to its answer stored and the
 * next pair (or the end) shown.
 */
export async function verifyByKeyboard(page: Page, url: string, pick: (texts: { A: string; B: string }, n: number) => PairKey) {
  await page.goto(url);
  const times: number[] = [];
  for (let n = 1; ; n++) {
    const heading = page.getByRole("heading", { name: "Which response is better?" });
    const done = page.getByRole("heading", { name: "Nothing left for you in this set" });
    await expect(heading.or(done)).toBeVisible();
    if (await done.isVisible()) return times;
    await expect(heading).toBeFocused();
    const started = Date.now();
    const texts = {
      A: await page.getByRole("article", { name: "Response A" }).innerText(),
      B: await page.getByRole("article", { name: "Response B" }).innerText(),
    };
    await page.keyboard.press(pick(texts, n));
    await page.keyboard.press("4");
    await page.keyboard.press("Enter");
    await expect(page.getByText(`You answered ${n} pair${n === 1 ? "" : "s"} this session.`)).toBeVisible();
    await expect(page.getByRole("status")).toContainText("Answer saved");
    times.push(Date.now() - started);
  }
}

/** The median, mean and maximum of the pairs' times, as the specs print them. */
export function pairTimesLine(times: number[]): string {
  const all = [...times].sort((a, b) => a - b);
  return `median ${all[Math.floor(all.length / 2)]} ms, mean ${Math.round(all.reduce((s, t) => s + t, 0) / all.length)} ms, max ${all.at(-1)} ms over ${all.length} pairs`;
}
