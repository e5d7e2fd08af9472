import type { IncomingMessage } from "node:http";

/**
 * The client's address, from the TCP peer and X-Forwarded-For.
 *
 * Next.js route handlers cannot see the socket, so MedPref's own HTTP server
 * (scripts/web-server.ts) writes the peer's address into PEER_ADDRESS_HEADER on every request,
 * after deleting any copy a client sent. Nothing else is trusted: X-Forwarded-For is whatever
 * the client or the proxies wrote, and Next fills it only when the client did not.
 */
export const PEER_ADDRESS_HEADER = "x-medpref-peer-address";
/** Set in the web server's own process, so a header reaching a plain `next start` is ignored. */
const SERVER_FLAG = "MEDPREF_PEER_HEADER_SET_BY_SERVER";

/** Called by the web server for each request before Next sees it. */
export function stampPeerAddress(req: IncomingMessage): void {
  // Next reads req.headers; rawHeaders is cleaned too so no copy survives anywhere.
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === PEER_ADDRESS_HEADER) raw.splice(i, 2);
  req.headers[PEER_ADDRESS_HEADER] = normalizeAddress(req.socket.remoteAddress ?? "") || "unknown";
}

export function markPeerHeaderTrusted(): void {
  process.env[SERVER_FLAG] = "1";
}

/**
 * With no trusted proxy the client is the peer, whatever the headers say. With N trusted
 * proxies the chain is X-Forwarded-For's entries followed by the peer, and the client is N hops
 * from the right: each trusted proxy appended the address it received from. Entries further left
 * could be forged. A chain shorter than N (a request that skipped a proxy) gives its first entry.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | null | undefined, trustedProxies: number): string {
  const peerAddress = normalizeAddress(peer ?? "");
  if (!peerAddress) return "unknown";
  if (trustedProxies === 0) return peerAddress;
  const chain = [...(forwardedFor ?? "").split(",").map(normalizeAddress).filter(Boolean), peerAddress];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? peerAddress;
}

/** The client address of a request that came through the web server; "unknown" otherwise. */
export function requestClientIp(header: (name: string) => string | undefined, trustedProxies: number): string {
  if (process.env[SERVER_FLAG] !== "1") return "unknown";
  return clientIp(header(PEER_ADDRESS_HEADER), header("x-forwarded-for"), trustedProxies);
}

/** "::ffff:10.0.0.1" is 10.0.0.1; addresses are kept short so a header cannot bloat the table. */
function normalizeAddress(raw: string): string {
  const address = raw.trim();
  return (address.toLowerCase().startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address).slice(0, 64);
}
