import { describe, expect, it } from "vitest";
import { ageText, refreshStep, reportAgeLabel } from "@/lib/agreement/report-age";

const now = new Date("2026-11-30T10:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe("the stored report's age label", () => {
  it("says how long ago the report was computed", () => {
    expect(ageText(ago(0), now)).toBe("just now");
    expect(ageText(ago(44), now)).toBe("just now");
    expect(ageText(ago(45), now)).toBe("1 min ago");
    expect(ageText(ago(180), now)).toBe("3 min ago");
    expect(ageText(ago(59 * 60), now)).toBe("59 min ago");
    expect(ageText(ago(2 * 3600), now)).toBe("2 h ago");
    expect(ageText(ago(3 * 86400), now)).toBe("3 days ago");
    // A clock a little ahead of the database's never gives a negative age.
    expect(ageText(new Date(now.getTime() + 5000), now)).toBe("just now");
  });

  it("adds what the background refresh is doing", () => {
    expect(reportAgeLabel(ago(180), now, null)).toBe("computed 3 min ago");
    expect(reportAgeLabel(ago(180), now, "queued")).toBe("computed 3 min ago; checking for new rankings…");
    expect(reportAgeLabel(ago(180), now, "checking")).toBe("computed 3 min ago; checking for new rankings…");
    expect(reportAgeLabel(ago(180), now, "loading")).toBe("computed 3 min ago; refreshing…");
    expect(reportAgeLabel(ago(180), now, "computing")).toBe("computed 3 min ago; refreshing…");
    expect(reportAgeLabel(ago(180), now, "storing")).toBe("computed 3 min ago; refreshing…");
  });

  it("numbers the steps of a first computation", () => {
    expect(refreshStep("queued")).toEqual({ step: 1, steps: 5, text: "Waiting for a worker" });
    expect(refreshStep("computing")).toEqual({ step: 4, steps: 5, text: "Computing figures and intervals" });
  });
});
