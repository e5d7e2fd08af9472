"use client";

import { useEffect, useRef, type Dispatch } from "react";
import type { RankingAction, RankingState } from "@/components/annotation/ranking-state";

/**
 * The keyboard path: digits pick a response by its number (two digits within 0.6 s for 10–16),
 * Enter ranks the picked one next, ↑/↓ move it, T ties it with the one above, Backspace or
 * Delete unranks it, Escape clears the pick. Keys typed into form fields are left alone.
 */
export function useRankingKeys(options: { state: RankingState; dispatch: Dispatch<RankingAction>; idOfLabel: (label: number) => string | undefined; count: number; allowTies: boolean; disabled: boolean }) {
  const digits = useRef<{ text: string; at: number }>({ text: "", at: 0 });
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const { state, dispatch, idOfLabel, count, allowTies, disabled } = latest.current;
      if (disabled || e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (target?.closest('[role="dialog"]')) return;
      // Enter and space on a focused button or link keep their own meaning.
      if ((e.key === "Enter" || e.key === " ") && target?.closest("button, a, summary")) return;
      const selected = state.selected;
      if (/^[0-9]$/.test(e.key)) {
        const now = performance.now();
        const text = now - digits.current.at < 600 && Number(digits.current.text + e.key) <= count ? digits.current.text + e.key : e.key;
        digits.current = { text, at: now };
        const id = idOfLabel(Number(text));
        if (id) {
          dispatch({ type: "select", id });
          e.preventDefault();
        }
        return;
      }
      if (!selected) return;
      const ranked = state.ranked.includes(selected);
      if (e.key === "Enter" && !ranked) dispatch({ type: "place", id: selected });
      else if (e.key === "ArrowUp" && ranked) dispatch({ type: "move", id: selected, delta: -1 });
      else if (e.key === "ArrowDown" && ranked) dispatch({ type: "move", id: selected, delta: 1 });
      else if ((e.key === "t" || e.key === "T") && ranked && allowTies) dispatch({ type: "toggleTie", id: selected });
      else if ((e.key === "Backspace" || e.key === "Delete") && ranked) dispatch({ type: "unrank", id: selected });
      else if (e.key === "Escape") dispatch({ type: "select", id: null });
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
