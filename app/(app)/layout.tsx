import type { ReactNode } from "react";
import { AppNav } from "@/components/layout/app-nav";
import { requireRole } from "@/lib/auth/guard";
import { requestTheme } from "@/lib/theme/request-theme";

// Every page below checks its own role too; this only draws the frame for a signed-in user.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireRole();
  const { theme } = await requestTheme(user);
  return (
    <div className="min-h-screen">
      <AppNav user={user} theme={theme} />
      <main className="mx-auto max-w-[112rem] px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
