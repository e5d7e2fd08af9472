import { createHash } from "node:crypto";

export interface SplitItem {
  promptId: string;
  /** Prompts with the same key (normalized text) always share a split. */
  groupKey: string;
  /** Splits are filled in proportion within each stratum (source dataset). */
  stratum: string;
}

export interface SplitFraction {
  name: string;
  fraction: number;
}

/**
 * Assigns every prompt to a split: prompts are grouped by their key, groups are ordered by a
 * seeded hash within each stratum, and each stratum's groups are dealt out by cumulative size so
 * every split gets its fraction of every stratum. Depends only on the items and the seed, never
 * on their order.
 */
export function assignSplits(items: readonly SplitItem[], splits: readonly SplitFraction[], seed: number): Map<string, string> {
  const groups = new Map<string, { key: string; stratum: string; prompts: string[] }>();
  for (const item of items) {
    let group = groups.get(item.groupKey);
    if (!group) {
      group = { key: item.groupKey, stratum: item.stratum, prompts: [] };
      groups.set(item.groupKey, group);
    }
    // A group spanning sources goes with its alphabetically first source, whatever the input order.
    if (item.stratum < group.stratum) group.stratum = item.stratum;
    group.prompts.push(item.promptId);
  }
  const strata = new Map<string, { key: string; prompts: string[]; order: string }[]>();
  for (const group of groups.values()) {
    const order = createHash("sha256").update(`${seed}:${group.key}`).digest("hex");
    const list = strata.get(group.stratum) ?? [];
    list.push({ key: group.key, prompts: group.prompts, order });
    strata.set(group.stratum, list);
  }
  const bounds: number[] = [];
  let cumulative = 0;
  for (const s of splits) bounds.push((cumulative += s.fraction));
  const assignment = new Map<string, string>();
  for (const list of strata.values()) {
    list.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const total = list.reduce((sum, g) => sum + g.prompts.length, 0);
    let seen = 0;
    for (const group of list) {
      // The group's midpoint decides its split, so sizes land within one group of the target.
      const midpoint = (seen + group.prompts.length / 2) / total;
      seen += group.prompts.length;
      let index = bounds.findIndex((b) => midpoint < b - 1e-12);
      if (index === -1) index = splits.length - 1;
      // A zero-fraction split never receives a group.
      while (splits[index]!.fraction === 0 && index > 0) index -= 1;
      for (const id of group.prompts) assignment.set(id, splits[index]!.name);
    }
  }
  return assignment;
}
