"use client";

import { useEffect, useRef, type Dispatch } from "react";
import { isRanked, type RankingAction, type RankingState } from "@/components/annotation/ranking-state";

export interface RankingKeyHandlers {
  state: RankingState;
  dispatch: Dispatch<RankingAction>;
  idOfLabel: (label: number) => string | undefined;
  count: number;
  allowTies: boolean;
  disabled: boolean;
  onSubmit: () => void;
  onHelp: () => void;
}

/** How long a first digit waits for a second one when two-digit numbers exist (10–16 responses). */
export const SECOND_DIGIT_MS = 600;

/**
 * The keyboard path. Typing a response's number ranks it next when it is not ranked yet (so typing
 * the numbers best first ranks them all) and picks it when it is; Enter ranks a picked one next;
 * ↑/↓ move the picked one, T ties it with the one above, Backspace or Delete unranks it, Escape
 * clears the pick; Ctrl/⌘+Enter submits; ? shows the keys. Keys typed into fields are left alone.
 */
export function useRankingKeys(options: RankingKeyHandlers) {
  const digits = useRef<{ text: string; at: number; timer: ReturnType<typeof setTimeout> | null }>({ text: "", at: 0, timer: null });
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    function pick(label: number) {
      const { state, dispatch, idOfLabel } = latest.current;
      const id = idOfLabel(label);
      if (!id) return;
      dispatch({ type: "select", id });
      if (!isRanked(state, id)) dispatch({ type: "place", id });
    }

    function onDigit(key: string) {
      const { count } = latest.current;
      const d = digits.current;
      if (d.timer) clearTimeout(d.timer);
      const now = performance.now();
      const text = d.text !== "" && now - d.at < SECOND_DIGIT_MS && Number(d.text + key) <= count ? d.text + key : key;
      // Act at once unless a second digit could still make a valid number (only with 10+ responses).
      const canGrow = Number(text) * 10 <= count && text.length === 1;
      if (canGrow) {
        digits.current = { text, at: now, timer: setTimeout(() => flush(), SECOND_DIGIT_MS) };
        return;
      }
      digits.current = { text: "", at: 0, timer: null };
      if (d.text !== "" && text === key) pick(Number(d.text));
      pick(Number(text));
    }

    function flush() {
      const { text } = digits.current;
      digits.current = { text: "", at: 0, timer: null };
      if (text) pick(Number(text));
    }

    function onKey(e: KeyboardEvent) {
      const { state, dispatch, allowTies, disabled, onSubmit, onHelp } = latest.current;
      if (disabled || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        if (target?.closest('[role="dialog"], dialog')) return;
        e.preventDefault();
        onSubmit();
        return;
      }
      if (e.ctrlKey || e.metaKey) return;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (target?.closest('[role="dialog"], dialog')) return;
      if (e.key === "?") {
        e.preventDefault();
        onHelp();
        return;
      }
      // Enter and space on a focused button or link keep their own meaning.
      if ((e.key === "Enter" || e.key === " ") && target?.closest("button, a, summary")) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        onDigit(e.key);
        return;
      }
      const selected = state.selected;
      if (!selected) return;
      const ranked = isRanked(state, selected);
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
    return () => {
      window.removeEventListener("keydown", onKey);
      if (digits.current.timer) clearTimeout(digits.current.timer);
    };
  }, []);
}
