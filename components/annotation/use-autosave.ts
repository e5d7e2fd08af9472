"use client";

import { useEffect, useRef, useState } from "react";

export type SaveStatus = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string };

/**
 * Saves the draft to the server a moment after each change, and once more with `keepalive`
 * when the page is hidden or closed, so a reload or another device finds it.
 */
export function useAutosave(url: string | null, draft: object, enabled: boolean, extra: () => object = () => ({}), delayMs = 700): SaveStatus {
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const serialized = JSON.stringify(draft);
  const latest = useRef<string>(serialized);
  // What the server has: at first, the draft it sent us.
  const saved = useRef<string>(serialized);
  const extraRef = useRef(extra);
  useEffect(() => {
    extraRef.current = extra;
  });
  // Fields from `extra` (the time on task) ride along with each save without causing one.
  const bodyOf = (text: string) => JSON.stringify({ ...JSON.parse(text), ...extraRef.current() });

  useEffect(() => {
    latest.current = serialized;
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
        void fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: bodyOf(latest.current), keepalive: true });
        saved.current = latest.current;
      }
    };
    window.addEventListener("pagehide", flush);
    const onHidden = () => document.visibilityState === "hidden" && flush();
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onHidden);
    };
  }, [enabled, url]);

  return status;
}
