import { describe, expect, it } from "vitest";
import { dropTargetAt, keyboardStops, type PanelLayout } from "@/components/annotation/drop-target";

// Three ranked rows 30 px tall with 4 px gaps, an end slot below, then the pool.
const row = (id: string, top: number, tie = true) => ({
  id,
  left: 0,
  right: 300,
  top,
  bottom: top + 30,
  tieZone: tie ? { left: 200, right: 300, top, bottom: top + 30 } : null,
});
const layout: PanelLayout = {
  ranking: { left: 0, right: 300, top: 0, bottom: 140 },
  rows: [row("a", 4), row("b", 38), row("c", 72)],
  pool: { left: 0, right: 300, top: 160, bottom: 260 },
};

describe("the drop target under the pointer", () => {
  it("is before a row on its upper half and after it on its lower half", () => {
    expect(dropTargetAt(layout, 50, 40, "x")).toEqual({ kind: "gap", index: 1 });
    expect(dropTargetAt(layout, 50, 60, "x")).toEqual({ kind: "gap", index: 2 });
  });

  it("is the gap between two rows in the space between them", () => {
    expect(dropTargetAt(layout, 50, 36, "x")).toEqual({ kind: "gap", index: 1 });
  });

  it("is the end below the last row and the top above the first", () => {
    expect(dropTargetAt(layout, 50, 120, "x")).toEqual({ kind: "gap", index: 3 });
    expect(dropTargetAt(layout, 50, 2, "x")).toEqual({ kind: "gap", index: 0 });
  });

  it("joins a row's tie group on its tie zone, but never the dragged row's own", () => {
    expect(dropTargetAt(layout, 250, 45, "x")).toEqual({ kind: "join", id: "b" });
    expect(dropTargetAt(layout, 250, 45, "b")).toEqual({ kind: "gap", index: 1 });
  });

  it("unranks on the pool and is nothing elsewhere", () => {
    expect(dropTargetAt(layout, 50, 200, "a")).toEqual({ kind: "pool" });
    expect(dropTargetAt(layout, 50, 150, "a")).toBeNull();
    expect(dropTargetAt(layout, 400, 40, "a")).toBeNull();
  });

  it("gives the keyboard one stop per gap, then the pool, each landing on that gap", () => {
    const stops = keyboardStops(layout);
    expect(stops.map((y) => dropTargetAt(layout, 50, y, "x"))).toEqual([
      { kind: "gap", index: 0 },
      { kind: "gap", index: 1 },
      { kind: "gap", index: 2 },
      { kind: "gap", index: 3 },
      { kind: "pool" },
    ]);
  });
});
