import type { ReactNode } from "react";
import { AppNav } from "@/components/layout/app-nav";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";
import { requireRole } from "@/lib/auth/guard";
import { providerSignOutUrl } from "@/lib/auth/oidc";
import { env } from "@/lib/config/env";
import { requestTheme } from "@/lib/theme/request-theme";

// Every page below checks its own role too; this only draws the frame for a signed-in user.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireRole();
  // Who signed in through the institutional provider signs out of it too, where it offers that.
  const session = (await getServerSession(authOptions())) as { sso?: boolean } | null;
  const signOutUrl = session?.sso ? await providerSignOutUrl(env()) : null;
  const { theme } = await requestTheme(user);
  return (
    <div className="min-h-screen">
      <AppNav user={user} theme={theme} providerSignOutUrl={signOutUrl} />
      <main className="mx-auto max-w-[112rem] px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
