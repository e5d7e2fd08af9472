"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { signOutEverywhereAction } from "@/app/(app)/account/actions";

export function SignOutButton() {
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: "/login" })} className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-50">
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
