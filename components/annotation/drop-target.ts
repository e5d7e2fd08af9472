import type { DropTarget } from "@/components/annotation/ranking-state";

/** A box on screen, in client coordinates. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface RankedRowBox extends Box {
  id: string;
  /** The "tie with this one" zone shown on the row while dragging (only where ties are allowed). */
  tieZone: Box | null;
}

/** Where the two lists are while a drag is under way, measured fresh at each move. */
export interface PanelLayout {
  ranking: Box;
  rows: RankedRowBox[];
  pool: Box;
}

const contains = (b: Box, x: number, y: number) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;

/**
 * The drop target under a point: a row's tie zone joins its group; anywhere else on the ranked
 * list, the gap nearest the point (the upper half of a row is before it, the lower half after it,
 * below the last row is the end); on the pool, unrank; elsewhere nothing (the item goes back).
 */
export function dropTargetAt(layout: PanelLayout, x: number, y: number, draggedId: string): DropTarget | null {
  for (const row of layout.rows) {
    if (row.id !== draggedId && row.tieZone && contains(row.tieZone, x, y)) return { kind: "join", id: row.id };
  }
  if (contains(layout.ranking, x, y)) {
    return { kind: "gap", index: layout.rows.filter((r) => (r.top + r.bottom) / 2 <= y).length };
  }
  if (contains(layout.pool, x, y)) return { kind: "pool" };
  return null;
}

/**
 * The y positions a keyboard drag steps through, top to bottom: each gap of the ranked list
 * (between rows, and below the last), then the pool.
 */
export function keyboardStops(layout: PanelLayout): number[] {
  const { rows, ranking, pool } = layout;
  const gaps =
    rows.length === 0
      ? [(ranking.top + ranking.bottom) / 2]
      : [
          rows[0]!.top + 1,
          ...rows.slice(1).map((r, i) => (rows[i]!.bottom + r.top) / 2),
          Math.min(ranking.bottom - 2, rows.at(-1)!.bottom + 8),
        ];
  return [...gaps, (pool.top + pool.bottom) / 2];
}
