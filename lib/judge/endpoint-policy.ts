import dns from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * What an endpoint may be: which environment variables may hold its key and which hosts it may
 * point at. An admin chooses both, and the worker sends `Authorization: Bearer <that variable>`
 * to that host, so without these rules an admin could make the worker send any server secret
 * (NEXTAUTH_SECRET, DATABASE_URL…) to any address, or reach the cloud metadata service.
 * Checked when an endpoint is created and again before every call.
 */
export interface EndpointPolicy {
  /** Globs (`*`, `?`) a key variable's name must match. */
  keyVarPatterns: string[];
  /** When set, the only hosts (names, globs, IP addresses) an endpoint may point at. */
  allowedHosts: string[] | null;
}

export const DEFAULT_KEY_VAR_PATTERNS = ["MEDPREF_KEY_*", "*_API_KEY"];

export function endpointPolicy(config: {
  MEDPREF_ENDPOINT_KEY_VARS?: string[];
  MEDPREF_ENDPOINT_ALLOWED_HOSTS?: string[];
}): EndpointPolicy {
  return {
    keyVarPatterns: config.MEDPREF_ENDPOINT_KEY_VARS ?? DEFAULT_KEY_VAR_PATTERNS,
    allowedHosts: config.MEDPREF_ENDPOINT_ALLOWED_HOSTS ?? null,
  };
}

function globToRegExp(glob: string, flags = ""): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, flags);
}

/** Variables MedPref itself reads: never an endpoint's key, whatever the allow-list says. */
export function isMedPrefVariable(name: string): boolean {
  const n = name.toUpperCase();
  if (n.startsWith("MEDPREF_KEY_")) return false;
  return n === "DATABASE_URL" || n.startsWith("NEXTAUTH_") || n.startsWith("MEDPREF_") || n.startsWith("OIDC_") || n.startsWith("PG");
}

/** Why this variable may not hold an endpoint's key, or null when it may. */
export function keyVarProblem(name: string, policy: EndpointPolicy): string | null {
  const allowed = policy.keyVarPatterns.join(", ");
  if (isMedPrefVariable(name)) {
    return `${name} is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching ${allowed}.`;
  }
  if (!policy.keyVarPatterns.some((p) => globToRegExp(p).test(name))) {
    return `${name} is not an allowed key variable: its name must match ${allowed} (set MEDPREF_ENDPOINT_KEY_VARS to change the list).`;
  }
  return null;
}

/** Link-local and cloud metadata addresses: always refused (169.254.169.254 hands out cloud credentials). */
const refusedAddresses = new BlockList();
refusedAddresses.addSubnet("169.254.0.0", 16, "ipv4");
refusedAddresses.addSubnet("fe80::", 10, "ipv6");
refusedAddresses.addAddress("fd00:ec2::254", "ipv6");
// Alibaba Cloud's and Oracle Cloud's metadata services.
refusedAddresses.addAddress("100.100.100.200", "ipv4");
refusedAddresses.addAddress("192.0.0.192", "ipv4");
const REFUSED_NAMES = new Set(["metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal"]);

export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && refusedAddresses.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The host of a base URL as a URL parser sees it (IPv6 without brackets, numeric IPv4 forms normalised). */
export function urlHost(baseUrl: string): string {
  return new URL(baseUrl).hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "")
    .toLowerCase();
}

/** Why this host is refused by name (before resolving it), or null. */
export function hostNameProblem(host: string, policy: EndpointPolicy): string | null {
  if (REFUSED_NAMES.has(host) || isRefusedAddress(host))
    return `${host} is a link-local or cloud metadata address; endpoints may never point there.`;
  if (policy.allowedHosts && !policy.allowedHosts.some((h) => globToRegExp(h.replace(/^\[(.*)\]$/, "$1"), "i").test(host))) {
    return `${host} is not in MEDPREF_ENDPOINT_ALLOWED_HOSTS (${policy.allowedHosts.join(", ")}).`;
  }
  return null;
}

export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithSystem: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Why an endpoint's base URL is refused before any address is known, or null: its form and its host's name. */
export function endpointUrlProblem(baseUrl: string, policy: EndpointPolicy): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return "must be a URL such as https://api.openai.com/v1";
  }
  // Requests go out over HTTP only (the SDK also probes its fetch with a data: URL, which has no host to resolve).
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must start with http:// or https://";
  return hostNameProblem(urlHost(baseUrl), policy);
}

/**
 * Why an endpoint's base URL is refused when it is saved, or null: by name, then by every address
 * the name resolves to now (a DNS name pointing at 169.254.169.254 is refused like the address
 * itself). Loopback stays allowed for model servers on the same machine (vLLM, Ollama). Calls are
 * checked again where they connect (`refusingLookup`).
 */
export async function endpointHostProblem(
  baseUrl: string,
  policy: EndpointPolicy,
  options: {
    resolve?: ResolveHost;
    /** A name that does not resolve is refused, unless allowed (when saving: it may be set up later). */ unresolvable?: "allow" | "refuse";
  } = {},
): Promise<string | null> {
  const resolve = options.resolve ?? resolveWithSystem;
  const problem = endpointUrlProblem(baseUrl, policy);
  if (problem) return problem;
  const host = urlHost(baseUrl);
  if (isIP(host)) return null;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return options.unresolvable === "allow" ? null : `${host} does not resolve to an address on this server.`;
  }
  const refused = addresses.find(isRefusedAddress);
  return refused ? resolvesToRefused(host, refused) : null;
}

function resolvesToRefused(host: string, address: string): string {
  return `${host} resolves to ${address}, a link-local or cloud metadata address; endpoints may never point there.`;
}

/** A call or an endpoint the policy refuses; final, since retrying cannot change it. */
export class EndpointRefusedError extends Error {}

/**
 * The DNS lookup of endpoint connections: the system's, refusing a link-local or metadata address.
 * It runs when the socket connects, so the address checked is the address connected to; a check
 * before the call would leave a window in which the name could be pointed elsewhere (DNS rebinding).
 */
export function refusingLookup(systemLookup: typeof dns.lookup = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    systemLookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? (address as dns.LookupAddress[]).map((a) => a.address) : [address];
      const refused = addresses.find(isRefusedAddress);
      if (refused === undefined) return callback(null, address, family);
      callback(new EndpointRefusedError(`Refused by the endpoint policy: ${resolvesToRefused(hostname, refused)}`), address, family);
    });
  };
}
