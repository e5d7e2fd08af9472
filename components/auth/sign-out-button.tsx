"use client";

import { signOut } from "next-auth/react";

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
