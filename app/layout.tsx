import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/app/providers";
import { ThemeCookieSync } from "@/components/layout/theme-toggle";
import { currentUser } from "@/lib/auth/guard";
import { requestTheme } from "@/lib/theme/request-theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "MedPref", template: "%s · MedPref" },
  description: "Preference annotation of medical LLM outputs",
};

// The theme is decided here, on the server, so the first paint is right with no inline script
// (app/globals.css keys the colours on data-theme; "system" follows prefers-color-scheme).
export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry that request's CSP nonce (proxy.ts).
  await connection();
  const { theme, cookieIsStale } = await requestTheme(await currentUser());
  return (
    <html lang="en" data-theme={theme}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        {cookieIsStale && <ThemeCookieSync theme={theme} />}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
