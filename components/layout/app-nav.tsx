import Link from "next/link";
import { SignOutButton, SignOutEverywhereButton } from "@/components/auth/sign-out-button";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import type { SessionUser } from "@/lib/auth/guard";
import { NAVIGATION } from "@/lib/auth/navigation";
import type { ThemePreference } from "@/lib/theme/theme";

export function AppNav({
  user,
  theme,
  providerSignOutUrl = null,
}: {
  user: SessionUser;
  theme: ThemePreference;
  providerSignOutUrl?: string | null;
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-[112rem] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-semibold text-brand-900">
          MedPref
        </Link>
        <nav aria-label="Main" className="flex flex-1 flex-wrap gap-4">
          {NAVIGATION[user.role].map((item) => (
            <Link key={item.href} href={item.href} className="text-sm font-medium text-slate-700 hover:text-brand-700">
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <ThemeToggle initial={theme} signedIn />
          <span className="text-slate-600">
            {user.name} · <span className="font-medium">{user.role.toLowerCase()}</span>
          </span>
          <SignOutEverywhereButton />
          <SignOutButton providerSignOutUrl={providerSignOutUrl} />
        </div>
      </div>
    </header>
  );
}
