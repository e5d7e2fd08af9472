"use client";

import { useCallback, useEffect, useRef } from "react";

/** Milliseconds the page was visible since it opened, plus what an earlier session recorded. */
export function useTimeOnTask(initialMs: number) {
  const accumulated = useRef(initialMs);
  const visibleSince = useRef<number | null>(null);

  useEffect(() => {
    visibleSince.current = document.visibilityState === "visible" ? performance.now() : null;
    const onVisibility = () => {
      if (document.visibilityState === "visible") visibleSince.current = performance.now();
      else if (visibleSince.current !== null) {
        accumulated.current += performance.now() - visibleSince.current;
        visibleSince.current = null;
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  return useCallback(
    () => Math.round(accumulated.current + (visibleSince.current === null ? 0 : performance.now() - visibleSince.current)),
    [],
  );
}
