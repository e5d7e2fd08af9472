import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { currentUser } from "@/lib/auth/guard";
import { homePath } from "@/lib/auth/navigation";
import { SSO_MESSAGES } from "@/lib/auth/oidc";
import { env } from "@/lib/config/env";
import { requestTheme } from "@/lib/theme/request-theme";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  ...SSO_MESSAGES,
  OAuthSignin: "Institutional sign-in could not start. Try again, or use email and password.",
  OAuthCallback: "Institutional sign-in did not complete. Try again.",
  AccessDenied: "Access denied.",
};

/** Where to go after signing in: a path on this site only (never another origin). */
function returnPath(callbackUrl: string | undefined): string | null {
  return callbackUrl && /^\/(?![/\\])[^\s]*$/.test(callbackUrl) ? callbackUrl : null;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  const { error, callbackUrl } = await searchParams;
  const returnTo = returnPath(callbackUrl);
  const user = await currentUser();
  if (user) redirect(returnTo ?? homePath(user.role));
  const e = env();
  const { theme } = await requestTheme(null);
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold text-brand-900">MedPref</h1>
        <p className="mt-1 text-sm text-slate-600">Preference annotation of medical LLM outputs</p>
        <LoginForm
          initialError={error ? (ERRORS[error] ?? null) : null}
          oidcName={e.OIDC_ISSUER ? e.OIDC_DISPLAY_NAME : null}
          returnTo={returnTo}
        />
      </div>
      <ThemeToggle initial={theme} signedIn={false} />
    </main>
  );
}
