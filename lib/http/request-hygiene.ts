/**
 * Cross-site request forgery defence for route handlers (server actions get Next's own check).
 * A browser attaches the session cookie to a request another site makes, but it also says where
 * the request comes from (Origin, Sec-Fetch-Site); scripts with an API token or curl send neither.
 * So: a request a browser marks as coming from another origin is refused, one with no browser
 * marks passes (it cannot carry a victim's cookie without a browser). Content types a page on
 * another site can send without a CORS preflight (text/plain, forms) are refused too, so a
 * browser that sends no Origin still cannot be made to write.
 */

import { errorJson } from "@/lib/errors/app-error";

export const JSON_BODY = ["application/json"] as const;

export interface HygieneOptions {
  /** The app's public origin(s) (NEXTAUTH_URL); the Host header's origin is also accepted. */
  appOrigins: string[];
  /** Content types the handler reads; null = the handler reads no body. */
  contentTypes: readonly string[] | null;
}

/** Whether the method changes state (GET handlers may opt in, e.g. one that claims work). */
export function isUnsafeMethod(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

/** 403 for a cross-site browser request, else null. */
export function crossSiteRefusal(request: Request, appOrigins: string[]): Response | null {
  const site = request.headers.get("sec-fetch-site");
  // "none" is the person's own action (address bar, bookmark); "same-site" is a sibling origin.
  if (site !== null && site !== "same-origin" && site !== "none") {
    return refuse("CROSS_SITE_REQUEST", `Refused: this request comes from another site (Sec-Fetch-Site: ${site}).`);
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedOrigins(request, appOrigins).has(origin)) {
    return refuse("CROSS_SITE_REQUEST", `Refused: this request comes from another origin (${origin.slice(0, 100)}).`);
  }
  return null;
}

/** 415 when the body's declared type is not one the handler reads, else null. */
export function contentTypeRefusal(request: Request, accepted: readonly string[]): Response | null {
  const declared = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (accepted.includes(declared)) return null;
  return refuse(
    "UNSUPPORTED_MEDIA_TYPE",
    `Send the body as ${accepted.join(" or ")}${declared ? ` (got ${declared.slice(0, 100)})` : " (no Content-Type was sent)"}.`,
  );
}

function allowedOrigins(request: Request, appOrigins: string[]): Set<string> {
  const origins = new Set(appOrigins);
  const host = request.headers.get("host");
  if (host) {
    const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
    const protocol = forwarded === "https" || forwarded === "http" ? forwarded : new URL(request.url).protocol.replace(":", "");
    origins.add(`${protocol}://${host}`);
  }
  return origins;
}

function refuse(code: "CROSS_SITE_REQUEST" | "UNSUPPORTED_MEDIA_TYPE", error: string): Response {
  return errorJson(code, error);
}
