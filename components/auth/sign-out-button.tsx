"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { signOutEverywhereAction } from "@/app/(app)/account/actions";

/**
 * Ends the MedPref session, then, for an SSO session, the provider's too (its end_session_endpoint,
 * which sends the person back to the sign-in page): otherwise the SSO button signs straight back in.
 */
export function SignOutButton({ providerSignOutUrl = null }: { providerSignOutUrl?: string | null }) {
  async function onClick() {
    if (!providerSignOutUrl) return signOut({ callbackUrl: "/login" });
    await signOut({ redirect: false });
    window.location.assign(providerSignOutUrl);
  }
  return (
    <button type="button" onClick={() => void onClick()} className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-50">
      Sign out
    </button>
  );
}

/** Ends this user's sessions on every device (the server deletes them), then this one's cookie. */
export function SignOutEverywhereButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        await signOutEverywhereAction();
        await signOut({ callbackUrl: "/login" });
      }}
      className="rounded-md px-2 py-1 text-slate-600 underline-offset-2 hover:underline"
    >
      Sign out everywhere
    </button>
  );
}
