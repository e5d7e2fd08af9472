"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { forgetUnsavedDraft, keepUnsavedDraft } from "@/components/annotation/unsaved-draft";

export type SaveStatus =
  { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string } | { kind: "signed-out" };

/**
 * Saves the draft to the server a moment after each change, and once more with `keepalive`
 * when the page is hidden or closed, so a reload or another device finds it. Until the server
 * confirms a change, the draft is also kept in this browser (unsaved-draft.ts): a save refused
 * because the session ended (idle timeout) or failed offline loses nothing. `unsavedAtStart`: the
 * draft given first came from this browser, not the server, so it is saved at once.
 * Each save carries this page's id and a counter, so a slower, older save never overwrites a
 * newer one.
 */
export function useAutosave(
  url: string | null,
  draft: object,
  enabled: boolean,
  extra: () => object = () => ({}),
  options: { delayMs?: number; unsavedAtStart?: boolean } = {},
): SaveStatus {
  const delayMs = options.delayMs ?? 700;
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const serialized = JSON.stringify(draft);
  const latest = useRef<string>(serialized);
  // What the server has: at first, the draft it sent us.
  const saved = useRef<string>(options.unsavedAtStart ? "" : serialized);
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
    keepUnsavedDraft(url, bodyOf(serialized));
    const timer = setTimeout(async () => {
      const body = latest.current;
      setStatus({ kind: "saving" });
      try {
        const res = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: bodyOf(body) });
        if (res.status === 401) {
          setStatus({ kind: "signed-out" });
          return;
        }
        if (!res.ok) {
          const error = ((await res.json().catch(() => ({}))) as { error?: string }).error;
          setStatus({ kind: "error", message: error ?? `The draft was not saved (${res.status}).` });
          return;
        }
        saved.current = body;
        if (latest.current === body) forgetUnsavedDraft(url);
        setStatus({ kind: "saved", at: new Date() });
      } catch {
        setStatus({ kind: "error", message: "Offline: the draft is kept on this device and saved when the connection is back." });
      }
    }, delayMs);
    return () => clearTimeout(timer);
  }, [serialized, enabled, url, delayMs]);

  useEffect(() => {
    if (!enabled || !url) return;
    const flush = () => {
      if (latest.current !== saved.current) {
        const body = latest.current;
        // The copy in this browser (written on the change) stays until the server confirms.
        void fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: bodyOf(body), keepalive: true })
          .then((res) => res.ok && latest.current === body && forgetUnsavedDraft(url))
          .catch(() => undefined);
        saved.current = body;
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
