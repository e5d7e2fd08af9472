import { describe, expect, it } from "vitest";
import { formatFigure } from "@/lib/agreement/agreement-summary";

describe("formatting a figure", () => {
  it("never prints a negative zero", () => {
    expect(formatFigure(-0)).toBe("0.000");
    expect(formatFigure(-0.0004)).toBe("0.000");
    expect(formatFigure(-0.0004, 1)).toBe("0.0");
    expect(formatFigure(-0.0006)).toBe("-0.001");
    expect(formatFigure(0.25)).toBe("0.250");
    expect(formatFigure(null)).toBe("—");
    expect(formatFigure(Number.NaN)).toBe("—");
  });
});
