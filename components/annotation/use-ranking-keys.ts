"use client";

import { useEffect, useRef, type Dispatch } from "react";
import type { RankingAction, RankingState, SelectedCommand } from "@/components/annotation/ranking-state";

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

const SELECTED_COMMANDS: Record<string, SelectedCommand | undefined> = {
  Enter: "place",
  ArrowUp: "up",
  ArrowDown: "down",
  t: "tie",
  T: "tie",
  Backspace: "unrank",
  Delete: "unrank",
  Escape: "deselect",
};

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
  // The selection as of the last key, ahead of the render that shows it: whether a key on the
  // selected candidate is taken (and the page does not scroll) is decided before React re-renders.
  const selected = useRef(options.state.selected);
  useEffect(() => {
    latest.current = options;
    selected.current = options.state.selected;
  });

  useEffect(() => {
    // What a key does is decided by the reducer on the state it applies to (see "onSelected"): keys
    // typed faster than a render would otherwise each act on the state before the previous key.
    function pick(label: number) {
      const { dispatch, idOfLabel } = latest.current;
      const id = idOfLabel(label);
      if (!id) return;
      selected.current = id;
      dispatch({ type: "pick", id });
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
      const { dispatch, allowTies, disabled, onSubmit, onHelp } = latest.current;
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
      if (!selected.current) return;
      const command = SELECTED_COMMANDS[e.key];
      if (!command) return;
      if (command === "deselect") selected.current = null;
      dispatch({ type: "onSelected", command, allowTies });
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      if (digits.current.timer) clearTimeout(digits.current.timer);
    };
  }, []);
}
