/**
 * An independent model of what a clinician means by each ranking gesture, written from the
 * ranking screen's rules (not from its code): the e2e sequences compare the screen and the
 * database with it after every step.
 */
export interface RankingModel {
  /** Ranked response labels, best first; a tier of two or more is a tie. */
  tiers: number[][];
  /** "Not ranked yet", top to bottom. */
  pool: number[];
  /** The response picked by the keyboard. */
  selected: number | null;
}

export type Gesture =
  | { kind: "append"; drag: number }
  | { kind: "top"; drag: number }
  | { kind: "before"; drag: number; target: number }
  | { kind: "after"; drag: number; target: number }
  | { kind: "between"; drag: number; target: number; next: number }
  | { kind: "tie"; drag: number; target: number }
  | { kind: "unrank"; drag: number }
  | { kind: "miss"; drag: number };

export const newModel = (labels: number[]): RankingModel => ({ tiers: [], pool: [...labels], selected: null });

const clone = (m: RankingModel): RankingModel => ({ tiers: m.tiers.map((t) => [...t]), pool: [...m.pool], selected: m.selected });
const tierOf = (m: RankingModel, label: number) => m.tiers.findIndex((t) => t.includes(label));
const without = (m: RankingModel, label: number): RankingModel => ({
  ...m,
  tiers: m.tiers.map((t) => t.filter((x) => x !== label)).filter((t) => t.length > 0),
  pool: m.pool.filter((x) => x !== label),
});

export function applyGesture(model: RankingModel, g: Gesture): RankingModel {
  if (g.kind === "miss") return clone(model);
  const m = without(clone(model), g.drag);
  switch (g.kind) {
    case "append":
      m.tiers.push([g.drag]);
      break;
    case "top":
      m.tiers.unshift([g.drag]);
      break;
    case "before":
      m.tiers.splice(tierOf(m, g.target), 0, [g.drag]);
      break;
    case "after":
    case "between":
      m.tiers.splice(tierOf(m, g.target) + 1, 0, [g.drag]);
      break;
    case "tie": {
      const tier = m.tiers[tierOf(m, g.target)]!;
      tier.splice(tier.indexOf(g.target) + 1, 0, g.drag);
      break;
    }
    case "unrank":
      m.pool.push(g.drag);
      break;
  }
  return m;
}

const flat = (m: RankingModel) => m.tiers.flat();
const firstOfTier = (m: RankingModel, x: number) => m.tiers[tierOf(m, x)]![0] === x;
const lastOfTier = (m: RankingModel, x: number) => m.tiers[tierOf(m, x)]!.at(-1) === x;

/** Seeded PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: T[]): T => items[Math.floor(rand() * items.length)]!;

/**
 * A gesture of the given kind that makes sense on the model, or null. Targets are chosen where a
 * gesture has one meaning: "before" the first of a tie group, "after" the last of one.
 */
export function gestureOfKind(model: RankingModel, kind: Gesture["kind"], rand: () => number): Gesture | null {
  const all = [...flat(model), ...model.pool];
  const ranked = flat(model);
  const drag = pick(rand, all);
  const others = ranked.filter((x) => x !== drag);
  switch (kind) {
    case "append":
    case "top":
    case "miss":
      return { kind, drag };
    case "unrank":
      return ranked.length ? { kind, drag: pick(rand, ranked) } : null;
    case "before": {
      const targets = others.filter((x) => firstOfTier(model, x));
      return targets.length ? { kind, drag, target: pick(rand, targets) } : null;
    }
    case "after": {
      const targets = others.filter((x) => lastOfTier(model, x));
      return targets.length ? { kind, drag, target: pick(rand, targets) } : null;
    }
    case "between": {
      const pairs = ranked
        .slice(0, -1)
        .map((x, i) => [x, ranked[i + 1]!] as const)
        .filter(([x, y]) => x !== drag && y !== drag && tierOf(model, x) !== tierOf(model, y));
      if (!pairs.length) return null;
      const [target, next] = pick(rand, pairs);
      return { kind, drag, target, next };
    }
    case "tie":
      return others.length ? { kind, drag, target: pick(rand, others) } : null;
  }
}

/**
 * At least `length` gestures, every kind in the list at least twice (when it can apply), in a
 * seeded order; each one is applied to the model before the next is chosen.
 */
export function gestureSequence(labels: number[], kinds: Gesture["kind"][], length: number, seed: number): Gesture[] {
  const rand = prng(seed);
  let model = newModel(labels);
  const plan: Gesture["kind"][] = ["append", "append", "append"];
  const rest = [...kinds, ...kinds];
  while (plan.length < length) plan.push(rest.length ? rest.splice(Math.floor(rand() * rest.length), 1)[0]! : pick(rand, kinds));
  const out: Gesture[] = [];
  for (const kind of plan) {
    const g = gestureOfKind(model, kind, rand) ?? { kind: "append" as const, drag: pick(rand, [...flat(model), ...model.pool]) };
    out.push(g);
    model = applyGesture(model, g);
  }
  return out;
}

/** Standard competition ranks (1 + how many are strictly better), as MedPref stores them. */
export function competitionRanks(tiers: number[][]): Map<number, number> {
  const ranks = new Map<number, number>();
  let better = 0;
  for (const tier of tiers) {
    for (const label of tier) ranks.set(label, better + 1);
    better += tier.length;
  }
  return ranks;
}

/** The keyboard path's meaning: digits rank or pick, arrows move one place, T ties, Backspace unranks. */
export function applyKey(model: RankingModel, key: string): RankingModel {
  const m = clone(model);
  const s = m.selected;
  if (/^[1-9]$/.test(key)) {
    const label = Number(key);
    if (m.pool.includes(label)) {
      m.pool = m.pool.filter((x) => x !== label);
      m.tiers.push([label]);
    }
    m.selected = label;
    return m;
  }
  if (key === "Escape") return { ...m, selected: null };
  if (s === null || tierOf(m, s) === -1) return m;
  const at = tierOf(m, s);
  const tier = m.tiers[at]!;
  if (key === "Backspace") {
    const next = without(m, s);
    next.pool.push(s);
    return next;
  }
  if (key === "t") {
    const pos = tier.indexOf(s);
    if (pos > 0) m.tiers.splice(at, 1, tier.slice(0, pos), tier.slice(pos));
    else if (at > 0) m.tiers.splice(at - 1, 2, [...m.tiers[at - 1]!, ...tier]);
    return m;
  }
  if (key === "ArrowUp" || key === "ArrowDown") {
    const up = key === "ArrowUp";
    const rest = without(m, s);
    if (tier.length > 1) rest.tiers.splice(up ? at : at + 1, 0, [s]);
    else {
      const to = at + (up ? -1 : 1);
      if (to < 0 || to >= m.tiers.length) return m;
      rest.tiers.splice(to, 0, [s]);
    }
    return { ...rest, selected: s };
  }
  return m;
}
