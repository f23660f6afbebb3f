/**
 * Which URLs Ferry's git and LFS clients may reach.
 *
 * - http(s) only, no password in the URL (a bare user name is dropped), no control characters.
 * - Allowed hosts: the hosts of BITBUCKET_URL and GITHUB_URL plus ALLOWED_HOSTS. An entry is `host` (default
 *   ports 80/443 only), `host:port`, or `*.domain` (any subdomain, default ports).
 * - An exact entry is trusted as configured (the sandbox on localhost is fine). A wildcard match,
 *   or any host when `allowPublicHosts` is set, is resolved first and refused if any address is
 *   loopback, private, link-local, CGNAT, unique-local, multicast or otherwise non-public; the
 *   checked addresses are returned so the connection can be pinned to them (no DNS rebinding).
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { displayUrl } from "./errors";

export type ResolvedAddress = { address: string; family: number };
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface RemoteCheckOptions {
  /** Hosts allowed (see above). Default: `allowedGitHosts()` from the configuration. */
  allowedHosts?: readonly string[];
  /** Also accept hosts that are not listed, as long as they resolve to public addresses only. */
  allowPublicHosts?: boolean;
  /** DNS resolver (tests inject one). Default: the system resolver, all addresses. */
  resolve?: HostResolver;
}

export interface CheckedRemote {
  url: URL;
  /** Whether the host matched an exact allowlist entry (then `addresses` is null). */
  explicitlyAllowed: boolean;
  /** The checked public addresses for non-explicit hosts; connect only to these. */
  addresses: readonly ResolvedAddress[] | null;
}

const defaultResolver: HostResolver = async (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The configured hosts git and LFS may reach: BITBUCKET_URL's and GITHUB_URL's hosts and ALLOWED_HOSTS. */
export function allowedGitHosts(): string[] {
  const settings = config();
  return [new URL(settings.BITBUCKET_URL).host.toLowerCase(), new URL(settings.GITHUB_URL).host.toLowerCase(), ...settings.ALLOWED_HOSTS];
}

function notAllowed(message: string, details?: Record<string, unknown>): AppError {
  return new AppError("remote_not_allowed", message, { details });
}

function defaultPort(protocol: string): string {
  return protocol === "https:" ? "443" : "80";
}

function stripDot(hostname: string): string {
  return hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
}

/** URL hostnames keep IPv6 brackets; comparisons and DNS do not want them. */
function bareHostname(url: URL): string {
  return stripDot(url.hostname.toLowerCase()).replace(/^\[(.*)\]$/, "$1");
}

type Match = "exact" | "wildcard" | null;

/** How `url` matches the allowlist. */
export function matchAllowedHost(url: URL, allowedHosts: readonly string[]): Match {
  const hostname = bareHostname(url);
  const port = url.port || defaultPort(url.protocol);
  let result: Match = null;
  for (const raw of allowedHosts) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    let entryHost: string;
    let entryPort: string | null;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entryHost = bracketed[1]!;
      entryPort = bracketed[2] ?? null;
    } else if (isIP(entry) === 6) {
      entryHost = entry;
      entryPort = null;
    } else {
      const colon = entry.lastIndexOf(":");
      entryHost = colon === -1 ? entry : entry.slice(0, colon);
      entryPort = colon === -1 ? null : entry.slice(colon + 1);
    }
    entryHost = stripDot(entryHost);
    const portOk = entryPort === null ? port === "80" || port === "443" : entryPort === port;
    if (!portOk) continue;
    if (entryHost.startsWith("*.")) {
      const suffix = entryHost.slice(1);
      if (hostname.endsWith(suffix) && hostname.length > suffix.length) result = "wildcard";
    } else if (entryHost === hostname) {
      return "exact";
    }
  }
  return result;
}

/**
 * Validates a remote (git or LFS) URL and returns it with the checked addresses.
 * Throws `AppError("remote_not_allowed")`; messages never contain credentials.
 */
export async function checkRemote(input: string | URL, options: RemoteCheckOptions = {}): Promise<CheckedRemote> {
  const raw = typeof input === "string" ? input : input.href;
  if (/[\x00-\x20\x7f]/.test(raw.trim()) || raw.trim() !== raw || raw.startsWith("-")) {
    throw notAllowed("The remote URL contains spaces, control characters or starts with '-'.");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw notAllowed("The remote URL is not a valid absolute URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw notAllowed(`Only http and https remotes are allowed, not '${url.protocol.replace(/:$/, "")}'.`);
  }
  // A password (even an empty one) is refused. A bare user name is not a secret: Bitbucket's clone
  // links carry one (`https://alice@bitbucket.org/…`); it is dropped, credentials travel separately.
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(raw)?.[1];
  if (url.password || (userinfo !== undefined && userinfo.includes(":"))) {
    throw notAllowed(`The remote URL must not contain credentials (${displayUrl(url)}).`);
  }
  url.username = "";
  if (!url.hostname) throw notAllowed("The remote URL has no host.");
  url.hash = "";

  const allowedHosts = options.allowedHosts ?? allowedGitHosts();
  const match = matchAllowedHost(url, allowedHosts);
  if (match === "exact") return { url, explicitlyAllowed: true, addresses: null };
  if (match === null && !options.allowPublicHosts) {
    throw notAllowed(
      `The host '${url.host}' is not allowed. Ferry only connects to ${allowedHosts.length > 0 ? allowedHosts.join(", ") : "(none configured)"}; add the host to ALLOWED_HOSTS to allow it.`,
      { host: url.host },
    );
  }

  const hostname = bareHostname(url);
  let addresses: readonly ResolvedAddress[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await (options.resolve ?? defaultResolver)(hostname);
    } catch {
      throw notAllowed(`The host '${url.host}' could not be resolved.`, { host: url.host });
    }
  }
  if (addresses.length === 0) throw notAllowed(`The host '${url.host}' could not be resolved.`, { host: url.host });
  const refused = addresses.find((entry) => !isPublicAddress(entry.address));
  if (refused) {
    throw notAllowed(
      `The host '${url.host}' resolves to a non-public address (${refused.address}); add it to ALLOWED_HOSTS if it is meant to be reachable.`,
      { host: url.host },
    );
  }
  return { url, explicitlyAllowed: false, addresses };
}

/** `checkRemote`, returning only the validated URL. */
export async function checkRemoteUrl(input: string | URL, options: RemoteCheckOptions = {}): Promise<URL> {
  return (await checkRemote(input, options)).url;
}

// ---------------------------------------------------------------------------------------------
// Address classification

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

const IPV4_BLOCKED: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function isPublicIPv4(address: string): boolean {
  const value = ipv4ToNumber(address);
  return !IPV4_BLOCKED.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((value & mask) >>> 0) === ((ipv4ToNumber(base) & mask) >>> 0);
  });
}

/** Expands an IPv6 address (with optional embedded IPv4) into eight 16-bit groups. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToNumber(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail].map((group) => Number.parseInt(group, 16));
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

function embeddedIPv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function isPublicIPv6(address: string): boolean {
  const g = ipv6Groups(address);
  if (!g) return false;
  const [g0, g1, , , , g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const zeroPrefix = g.slice(0, 5).every((group) => group === 0);
  if (zeroPrefix && g5 === 0xffff) return isPublicIPv4(embeddedIPv4(g6, g7)); // ::ffff:a.b.c.d
  if (zeroPrefix && g5 === 0) {
    // :: and ::1, and the deprecated IPv4-compatible ::a.b.c.d
    if (g6 === 0 && (g7 === 0 || g7 === 1)) return false;
    return isPublicIPv4(embeddedIPv4(g6, g7));
  }
  if (g0 === 0x64 && g1 === 0xff9b) return isPublicIPv4(embeddedIPv4(g6, g7)); // NAT64
  if (g0 === 0x2002) return isPublicIPv4(embeddedIPv4(g1, g[2]!)); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return false; // site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return false; // documentation
  if (g0 === 0x2001 && g1 === 0) return false; // Teredo
  if (g0 === 0x0100 && g.slice(1, 4).every((group) => group === 0)) return false; // discard-only
  return true;
}

/** Whether an IP address is a public unicast address. Anything unparsable counts as not public. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address.replace(/%.*$/, ""));
  if (family === 4) return isPublicIPv4(address);
  if (family === 6) return isPublicIPv6(address);
  return false;
}
