"use client";

import { ErrorPanel } from "@/components/layout/error-panel";
import "./globals.css";

// A failure in the root layout itself: this replaces the whole document, so it brings its own
// <html>, styles and title. The user's saved theme is unknown here: the OS's preference decides.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en" data-theme="system">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <title>Something went wrong · MedPref</title>
        <main>
          <ErrorPanel error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
