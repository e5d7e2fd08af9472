/**
 * The client's address from X-Forwarded-For. With N trusted reverse proxies in front, the
 * client is the N-th entry from the right; the entries further left could be forged.
 */
export function clientIp(forwardedFor: string | null | undefined, trustedProxies: number): string {
  const hops = (forwardedFor ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (hops.length === 0) return "unknown";
  return hops[Math.max(0, hops.length - 1 - trustedProxies)] ?? "unknown";
}
