"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { buttonClass } from "@/components/ui/form-message";

/**
 * What a page shows when rendering it failed on the server or in the browser (app/error.tsx,
 * app/(app)/error.tsx, app/global-error.tsx). The server's message is never shown (Next sends a
 * generic one in production); the digest is the reference an admin finds in the server log.
 */
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus moves to the heading so a screen reader announces what happened.
  useEffect(() => heading.current?.focus(), []);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <div className="mx-auto max-w-lg p-6 text-center sm:p-10">
      <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold outline-none">
        Something went wrong
      </h1>
      <p className="mt-3 text-slate-600">
        This page could not be shown. Nothing you entered elsewhere is lost; try again, and tell an admin if it keeps happening.
      </p>
      {digest && (
        <p className="mt-3 text-sm text-slate-600">
          Reference for an admin: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{digest}</code>
        </p>
      )}
      <div className="mt-6 flex flex-wrap items-center justify-center gap-4">
        <button type="button" onClick={retry} className={buttonClass}>
          Try again
        </button>
        <Link href="/" className="text-brand-700 underline">
          Back to your start page
        </Link>
      </div>
    </div>
  );
}
