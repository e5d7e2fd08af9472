import type { SubmittedSpan } from "@/lib/ranking/submission-schema";
import type { Tiers } from "@/lib/ranking/tiers";

/**
 * The ranking screen's state, as a pure reducer: the ranking as tiers (best first; a tier of two
 * or more is a tie), the unranked pool, per-candidate details and the rationale. Every way of
 * ranking (drag and drop, buttons, keys) goes through these actions, so they all mean the same.
 */
export interface CandidateDetail {
  score: number | null;
  flags: string[];
  comment: string;
}

export interface RankingState {
  tiers: Tiers;
  unranked: string[];
  details: Record<string, CandidateDetail>;
  rationale: string;
  /** Marked spans (span critiques), in the order they were marked; offsets in code points of the candidate's text. */
  spans: SubmittedSpan[];
  selected: string | null;
}

/**
 * Where a dragged candidate lands. `gap` is a boundary of the ranked list as shown while dragging
 * (0 = above the first row, n = below the last), counted with the dragged row still in its place;
 * `join` puts it in the tie group of a ranked candidate; `pool` unranks it.
 */
export type DropTarget = { kind: "gap"; index: number } | { kind: "join"; id: string } | { kind: "pool" };

export type RankingAction =
  | { type: "select"; id: string | null }
  | { type: "place"; id: string }
  | { type: "unrank"; id: string }
  | { type: "move"; id: string; delta: -1 | 1 }
  | { type: "toggleTie"; id: string }
  | { type: "pick"; id: string }
  | { type: "onSelected"; command: SelectedCommand; allowTies: boolean }
  | { type: "drop"; id: string; target: DropTarget }
  | { type: "detail"; id: string; patch: Partial<CandidateDetail> }
  | { type: "rationale"; text: string }
  | { type: "addSpan"; span: SubmittedSpan }
  | { type: "updateSpan"; index: number; span: SubmittedSpan }
  | { type: "removeSpan"; index: number }
  | { type: "reset"; state: RankingState };

export const emptyDetail: CandidateDetail = { score: null, flags: [], comment: "" };

type DraftDetails = Record<string, { score?: number | null; flags?: string[]; comment?: string | null }>;

export function initialRankingState(
  candidateIds: string[],
  draft?: { tiers?: string[][]; details?: DraftDetails; rationale?: string | null; unranked?: string[]; spans?: SubmittedSpan[] } | null,
): RankingState {
  const known = new Set(candidateIds);
  const seen = new Set<string>();
  const tiers: Tiers = [];
  for (const tier of draft?.tiers ?? []) {
    const kept = tier.filter((id) => known.has(id) && !seen.has(id));
    kept.forEach((id) => seen.add(id));
    if (kept.length > 0) tiers.push(kept);
  }
  const details: Record<string, CandidateDetail> = {};
  for (const [id, d] of Object.entries(draft?.details ?? {})) {
    if (known.has(id)) details[id] = { score: d.score ?? null, flags: d.flags ?? [], comment: d.comment ?? "" };
  }
  // The pool comes back in the order it was left in, then any candidate the draft did not mention.
  const pool = [...(draft?.unranked ?? []), ...candidateIds].filter(
    (id, i, all) => known.has(id) && !seen.has(id) && all.indexOf(id) === i,
  );
  const spans = (draft?.spans ?? []).filter((span) => known.has(span.completionId));
  return { tiers, unranked: pool, details, rationale: draft?.rationale ?? "", spans, selected: null };
}

/** The ranked candidates, best first, as one list (tied ones next to each other). */
export function rankedIds(state: Pick<RankingState, "tiers">): string[] {
  return state.tiers.flat();
}

export function isRanked(state: Pick<RankingState, "tiers">, id: string): boolean {
  return state.tiers.some((tier) => tier.includes(id));
}

/** Tiers of the ranked candidates, best first. */
export function tiersOf(state: Pick<RankingState, "tiers">): Tiers {
  return state.tiers;
}

/** The place shown next to a ranked candidate (standard competition ranking: tied ones share it). */
export function placeOf(state: Pick<RankingState, "tiers">, id: string): number | null {
  let better = 0;
  for (const tier of state.tiers) {
    if (tier.includes(id)) return better + 1;
    better += tier.length;
  }
  return null;
}

/** True when the candidate shares its place with the one above it in the list. */
export function isTiedWithAbove(state: Pick<RankingState, "tiers">, id: string): boolean {
  const tier = state.tiers.find((t) => t.includes(id));
  return tier !== undefined && tier.indexOf(id) > 0;
}

const withoutId = (tiers: Tiers, id: string): Tiers => tiers.map((t) => t.filter((x) => x !== id)).filter((t) => t.length > 0);
const tierIndexOf = (tiers: Tiers, id: string) => tiers.findIndex((t) => t.includes(id));

function rank(state: RankingState, tiers: Tiers, id: string): RankingState {
  return { ...state, tiers, unranked: state.unranked.filter((x) => x !== id) };
}

/** Inserts `id` as a tier of its own before tier `index` of `tiers` (which must not contain it). */
function insertTier(tiers: Tiers, index: number, id: string): Tiers {
  const next = [...tiers];
  next.splice(Math.max(0, Math.min(next.length, index)), 0, [id]);
  return next;
}

/**
 * Where a drop lands, in words of its neighbours: between two candidates of one tie group it joins
 * that group; anywhere else it becomes a place of its own. Neighbours are looked up with the
 * dragged candidate taken out, so a drop next to itself changes nothing (or, from inside a tie
 * group to the group's edge, takes it out of the group).
 */
export function applyDrop(state: RankingState, id: string, target: DropTarget): RankingState {
  if (target.kind === "pool") return rankingReducer(state, { type: "unrank", id });
  if (target.kind === "join") {
    if (target.id === id || !isRanked(state, target.id)) return state;
    const tiers = withoutId(state.tiers, id).map((t) =>
      t.includes(target.id) ? [...t.slice(0, t.indexOf(target.id) + 1), id, ...t.slice(t.indexOf(target.id) + 1)] : t,
    );
    return rank(state, tiers, id);
  }
  const shown = rankedIds(state);
  const gap = Math.max(0, Math.min(shown.length, target.index));
  const prev = shown
    .slice(0, gap)
    .filter((x) => x !== id)
    .at(-1);
  const next = shown.slice(gap).find((x) => x !== id);
  const rest = withoutId(state.tiers, id);
  if (prev !== undefined && next !== undefined && tierIndexOf(rest, prev) === tierIndexOf(rest, next)) {
    const tiers = rest.map((t) => (t.includes(prev) ? [...t.slice(0, t.indexOf(prev) + 1), id, ...t.slice(t.indexOf(prev) + 1)] : t));
    return rank(state, tiers, id);
  }
  return rank(state, insertTier(rest, prev === undefined ? 0 : tierIndexOf(rest, prev) + 1, id), id);
}

/** What a key does to the selected candidate (see use-ranking-keys.ts). */
export type SelectedCommand = "place" | "up" | "down" | "tie" | "unrank" | "deselect";

/**
 * A key's command, decided on the state it applies to: keys typed faster than the screen
 * re-renders each see the one before them (decided on the last render, a tie typed right after a
 * number tied the previous candidate instead).
 */
function onSelected(state: RankingState, command: SelectedCommand, allowTies: boolean): RankingState {
  const id = state.selected;
  if (!id) return state;
  const ranked = isRanked(state, id);
  if (command === "deselect") return { ...state, selected: null };
  if (command === "place") return ranked ? state : rankingReducer(state, { type: "place", id });
  if (!ranked) return state;
  if (command === "up" || command === "down") return moveOnePlace(state, id, command === "up" ? -1 : 1);
  if (command === "tie") return allowTies ? toggleTie(state, id) : state;
  return rankingReducer(state, { type: "unrank", id });
}

export function rankingReducer(state: RankingState, action: RankingAction): RankingState {
  switch (action.type) {
    case "pick": {
      // Typing a response's number: selects it, and ranks it next when it is not ranked yet.
      const selected = { ...state, selected: action.id };
      return isRanked(state, action.id) ? selected : rankingReducer(selected, { type: "place", id: action.id });
    }
    case "onSelected":
      return onSelected(state, action.command, action.allowTies);
    case "select":
      return { ...state, selected: action.id };
    case "place":
      // "Rank next": a place of its own below every ranked candidate.
      return rank(state, [...withoutId(state.tiers, action.id), [action.id]], action.id);
    case "unrank":
      if (!isRanked(state, action.id)) return state;
      return { ...state, tiers: withoutId(state.tiers, action.id), unranked: [...state.unranked, action.id] };
    case "move":
      return moveOnePlace(state, action.id, action.delta);
    case "toggleTie":
      return toggleTie(state, action.id);
    case "drop":
      return applyDrop(state, action.id, action.target);
    case "detail":
      return { ...state, details: { ...state.details, [action.id]: { ...(state.details[action.id] ?? emptyDetail), ...action.patch } } };
    case "rationale":
      return { ...state, rationale: action.text };
    case "addSpan":
      return { ...state, spans: [...state.spans, action.span] };
    case "updateSpan":
      return { ...state, spans: state.spans.map((s, i) => (i === action.index ? action.span : s)) };
    case "removeSpan":
      return { ...state, spans: state.spans.filter((_, i) => i !== action.index) };
    case "reset":
      return action.state;
  }
}

/**
 * One place up or down. A tied candidate first leaves its group (to just above or below it);
 * a candidate with a place of its own swaps with the place next to it.
 */
function moveOnePlace(state: RankingState, id: string, delta: -1 | 1): RankingState {
  const at = tierIndexOf(state.tiers, id);
  if (at === -1) return state;
  const rest = withoutId(state.tiers, id);
  if (state.tiers[at]!.length > 1) return { ...state, tiers: insertTier(rest, delta < 0 ? at : at + 1, id) };
  const to = at + delta;
  if (to < 0 || to >= state.tiers.length) return state;
  return { ...state, tiers: insertTier(rest, to, id) };
}

/**
 * "Tie with the one above": the candidate's group joins the group above; pressed again on a tied
 * candidate, the group splits there (it and those below it in the group take the next place).
 */
function toggleTie(state: RankingState, id: string): RankingState {
  const at = tierIndexOf(state.tiers, id);
  if (at === -1) return state;
  const tier = state.tiers[at]!;
  const pos = tier.indexOf(id);
  const tiers = [...state.tiers];
  if (pos > 0) tiers.splice(at, 1, tier.slice(0, pos), tier.slice(pos));
  else if (at > 0) tiers.splice(at - 1, 2, [...tiers[at - 1]!, ...tier]);
  else return state;
  return { ...state, tiers };
}
