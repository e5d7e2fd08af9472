import Link from "next/link";
import { AppNav } from "@/components/layout/app-nav";
import { currentUser } from "@/lib/auth/guard";
import { requestTheme } from "@/lib/theme/request-theme";

// An address no route matches: rendered without the app's frame, so it draws the navigation itself
// for a signed-in user (notFound() inside the app uses app/(app)/not-found.tsx, within the frame).
export default async function NotFound() {
  const user = await currentUser();
  const { theme } = await requestTheme(user);
  return (
    <div className="min-h-screen">
      {user && <AppNav user={user} theme={theme} />}
      <main className="mx-auto max-w-lg p-10 text-center">
        <h1 className="text-2xl font-semibold">Not found</h1>
        <p className="mt-3 text-slate-600">There is nothing at this address.</p>
        <Link href={user ? "/" : "/login"} className="mt-6 inline-block text-brand-700 underline">
          {user ? "Back to your start page" : "Sign in"}
        </Link>
      </main>
    </div>
  );
}
