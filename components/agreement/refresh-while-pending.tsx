"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** How often the page asks the server again while its report is being checked or computed. */
const POLL_MS = 2000;

/**
 * Re-renders the (server-rendered) agreement page every 2 s while a background refresh is pending,
 * so the new report replaces the old one as soon as it is stored; does nothing otherwise.
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
