"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** How often the page asks the server again while something on it is being computed. */
const POLL_MS = 2000;

/**
 * Re-renders a server-rendered page every 2 s while background work it shows is pending (an agreement
 * report's refresh, a judge evaluation's run), so the result replaces the old one as soon as it is
 * stored; does nothing otherwise.
 */
export function RefreshWhilePending({ pending }: { pending: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => router.refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [pending, router]);
  return null;
}
