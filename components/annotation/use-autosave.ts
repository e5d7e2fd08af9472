"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";

export type SaveStatus = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string };

/**
 * Saves the draft to the server a moment after each change, and at once with `keepalive` when
 * the page is hidden, closed or left, so a reload or another device finds the last state. Each
 * save carries this page's id and a counter, so a slower, older save never overwrites a newer one.
 */
export function useAutosave(url: string | null, draft: object, enabled: boolean, extra: () => object = () => ({}), delayMs = 700): SaveStatus {
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const serialized = JSON.stringify(draft);
  const latest = useRef<string>(serialized);
  // What the server has: at first, the draft it sent us.
  const saved = useRef<string>(serialized);
  const extraRef = useRef(extra);
  const editor = useRef<string | null>(null);
  const seq = useRef(0);
  // Updated as soon as React commits, not after paint: a tab closed right after a change sends it.
  useLayoutEffect(() => {
    extraRef.current = extra;
    latest.current = serialized;
  });
  // Fields from `extra` (the time on task) ride along with each save without causing one.
  const bodyOf = (text: string) => {
    editor.current ??= crypto.randomUUID();
    seq.current += 1;
    return JSON.stringify({ ...JSON.parse(text), ...extraRef.current(), editor: editor.current, seq: seq.current });
  };

  useEffect(() => {
    if (!enabled || !url || serialized === saved.current) return;
    const timer = setTimeout(async () => {
      const body = latest.current;
      setStatus({ kind: "saving" });
      try {
        const res = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: bodyOf(body) });
        if (!res.ok) {
          const error = ((await res.json().catch(() => ({}))) as { error?: string }).error;
          setStatus({ kind: "error", message: error ?? `The draft was not saved (${res.status}).` });
          return;
        }
        saved.current = body;
        setStatus({ kind: "saved", at: new Date() });
      } catch {
        setStatus({ kind: "error", message: "Offline: the draft will be saved when the connection is back." });
      }
    }, delayMs);
    return () => clearTimeout(timer);
  }, [serialized, enabled, url, delayMs]);

  useEffect(() => {
    if (!enabled || !url) return;
    const flush = () => {
      if (latest.current !== saved.current) {
        void fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: bodyOf(latest.current), keepalive: true }).catch(() => undefined);
        saved.current = latest.current;
      }
    };
    window.addEventListener("pagehide", flush);
    const onHidden = () => document.visibilityState === "hidden" && flush();
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      // Leaving the screen inside the app (another page, the next prompt) saves too.
      flush();
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onHidden);
    };
  }, [enabled, url]);

  return status;
}
