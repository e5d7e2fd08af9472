import type { Tiers } from "@/lib/ranking/tiers";

/**
 * The ranking screen's state, as a pure reducer: the ranked list (best first) with a "tied with
 * the one above" mark per candidate, the unranked pool, per-candidate details and the rationale.
 */
export interface CandidateDetail {
  score: number | null;
  flags: string[];
  comment: string;
}

export interface RankingState {
  ranked: string[];
  tiedWithAbove: Record<string, boolean>;
  unranked: string[];
  details: Record<string, CandidateDetail>;
  rationale: string;
  selected: string | null;
}

export type RankingAction =
  | { type: "select"; id: string | null }
  | { type: "place"; id: string; index?: number }
  | { type: "unrank"; id: string }
  | { type: "move"; id: string; delta: number }
  | { type: "moveTo"; id: string; index: number }
  | { type: "toggleTie"; id: string }
  | { type: "detail"; id: string; patch: Partial<CandidateDetail> }
  | { type: "rationale"; text: string }
  | { type: "reset"; state: RankingState };

export const emptyDetail: CandidateDetail = { score: null, flags: [], comment: "" };

export function initialRankingState(candidateIds: string[], draft?: { tiers?: string[][]; details?: Record<string, { score?: number | null; flags?: string[]; comment?: string | null }>; rationale?: string | null } | null): RankingState {
  const known = new Set(candidateIds);
  const ranked: string[] = [];
  const tiedWithAbove: Record<string, boolean> = {};
  for (const tier of draft?.tiers ?? []) {
    tier.forEach((id, i) => {
      if (!known.has(id) || ranked.includes(id)) return;
      if (i > 0) tiedWithAbove[id] = true;
      ranked.push(id);
    });
  }
  const details: Record<string, CandidateDetail> = {};
  for (const [id, d] of Object.entries(draft?.details ?? {})) {
    if (known.has(id)) details[id] = { score: d.score ?? null, flags: d.flags ?? [], comment: d.comment ?? "" };
  }
  return { ranked, tiedWithAbove, unranked: candidateIds.filter((id) => !ranked.includes(id)), details, rationale: draft?.rationale ?? "", selected: null };
}

function withoutTieAt(state: RankingState, ranked: string[]): Record<string, boolean> {
  // The first candidate cannot be tied "with the one above".
  const ties = { ...state.tiedWithAbove };
  if (ranked[0]) delete ties[ranked[0]];
  return ties;
}

export function rankingReducer(state: RankingState, action: RankingAction): RankingState {
  switch (action.type) {
    case "select":
      return { ...state, selected: action.id };
    case "place": {
      if (state.ranked.includes(action.id)) return rankingReducer(state, { type: "moveTo", id: action.id, index: action.index ?? state.ranked.length - 1 });
      const ranked = [...state.ranked];
      ranked.splice(action.index ?? ranked.length, 0, action.id);
      const tiedWithAbove = { ...state.tiedWithAbove };
      delete tiedWithAbove[action.id];
      return { ...state, ranked, unranked: state.unranked.filter((x) => x !== action.id), tiedWithAbove: withoutTieAt({ ...state, tiedWithAbove }, ranked) };
    }
    case "unrank": {
      if (!state.ranked.includes(action.id)) return state;
      const ranked = state.ranked.filter((x) => x !== action.id);
      const tiedWithAbove = { ...state.tiedWithAbove };
      delete tiedWithAbove[action.id];
      return { ...state, ranked, unranked: [...state.unranked, action.id], tiedWithAbove: withoutTieAt({ ...state, tiedWithAbove }, ranked) };
    }
    case "move": {
      const from = state.ranked.indexOf(action.id);
      if (from === -1) return state;
      return rankingReducer(state, { type: "moveTo", id: action.id, index: Math.max(0, Math.min(state.ranked.length - 1, from + action.delta)) });
    }
    case "moveTo": {
      const from = state.ranked.indexOf(action.id);
      if (from === -1) return rankingReducer(state, { type: "place", id: action.id, index: action.index });
      const ranked = [...state.ranked];
      ranked.splice(from, 1);
      ranked.splice(Math.max(0, Math.min(ranked.length, action.index)), 0, action.id);
      const tiedWithAbove = { ...state.tiedWithAbove };
      // A moved candidate leaves its tie; so does the one that took its old place.
      delete tiedWithAbove[action.id];
      return { ...state, ranked, tiedWithAbove: withoutTieAt({ ...state, tiedWithAbove }, ranked) };
    }
    case "toggleTie": {
      const index = state.ranked.indexOf(action.id);
      if (index <= 0) return state;
      return { ...state, tiedWithAbove: { ...state.tiedWithAbove, [action.id]: !state.tiedWithAbove[action.id] } };
    }
    case "detail":
      return { ...state, details: { ...state.details, [action.id]: { ...(state.details[action.id] ?? emptyDetail), ...action.patch } } };
    case "rationale":
      return { ...state, rationale: action.text };
    case "reset":
      return action.state;
  }
}

/** Tiers of the ranked candidates, best first. */
export function tiersOf(state: Pick<RankingState, "ranked" | "tiedWithAbove">): Tiers {
  const tiers: Tiers = [];
  for (const id of state.ranked) {
    if (state.tiedWithAbove[id] && tiers.length > 0) tiers.at(-1)!.push(id);
    else tiers.push([id]);
  }
  return tiers;
}

/** The place shown next to a ranked candidate: tied candidates share one. */
export function placeOf(state: Pick<RankingState, "ranked" | "tiedWithAbove">, id: string): number | null {
  let place = 0;
  for (let i = 0; i < state.ranked.length; i++) {
    const current = state.ranked[i]!;
    if (!(state.tiedWithAbove[current] && i > 0)) place = i + 1;
    if (current === id) return place;
  }
  return null;
}
