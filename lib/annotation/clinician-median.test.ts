import { describe, expect, it } from "vitest";
import { medianOfHistogram } from "./clinician-median";

describe("medianOfHistogram", () => {
  it("gives percentile_cont(0.5) of the listed values", () => {
    expect(medianOfHistogram([])).toBeNull();
    expect(medianOfHistogram([[42, 0]])).toBeNull();
    expect(medianOfHistogram([[42, 1]])).toBe(42);
    // 10, 20, 20, 31 → (20 + 20) / 2
    expect(
      medianOfHistogram([
        [31, 1],
        [10, 1],
        [20, 2],
      ]),
    ).toBe(20);
    // 10, 20, 31, 40 → (20 + 31) / 2
    expect(
      medianOfHistogram([
        [40, 1],
        [10, 1],
        [20, 1],
        [31, 1],
      ]),
    ).toBe(25.5);
    // 5 × 7, 1 × 100 → 7
    expect(
      medianOfHistogram([
        [100, 1],
        [7, 5],
      ]),
    ).toBe(7);
  });
});
