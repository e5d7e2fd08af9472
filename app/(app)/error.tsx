"use client";

import { ErrorPanel } from "@/components/layout/error-panel";

// A failure in a page of the app: drawn inside the app's frame, whose navigation stays usable.
export default function AppPageError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} />;
}
