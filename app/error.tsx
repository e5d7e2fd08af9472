"use client";

import { ErrorPanel } from "@/components/layout/error-panel";

// A failure in a page outside the app's frame (e.g. the login page), or in the app's frame itself.
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main>
      <ErrorPanel error={error} retry={retry} />
    </main>
  );
}
