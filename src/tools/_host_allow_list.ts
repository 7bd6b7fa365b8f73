/**
 * The host allow-list of `http_get`: entries `host`, `host:port` and `*.domain`.
 *
 * @module
 */

/** One parsed entry of `allowed_hosts`. */
export interface HostRule {
  /** `true` for `*.domain`: any subdomain of `hostname` (not `hostname` itself). */
  readonly wildcard: boolean;
  /** Canonical host name (lower case, punycode, IPv6 in brackets). */
  readonly hostname: string;
  /** The only port allowed, or `undefined` for any port (as Deno's `--allow-net` does). */
  readonly port: string | undefined;
}

const ENTRY = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/**
 * Parses an `allowed_hosts` entry.
 *
 * @param entry `example.com`, `example.com:8080`, `*.example.com` or `[::1]:8080`.
 * @returns The rule, or a message saying why the entry is not a host.
 */
export function parseHostRule(entry: string): HostRule | string {
  const wildcard = entry.startsWith("*.");
  const rest = wildcard ? entry.slice(2) : entry;
  const notHost =
    `Expected a host such as "example.com", "example.com:8080" or "*.example.com", got "${entry}"`;
  if (rest === "" || /[\s/\\@?#*]/.test(rest)) return notHost;
  const match = ENTRY.exec(rest);
  if (!match || match[1] === undefined) return notHost;
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `Expected a port from 1 to 65535 in "${entry}"`;
  }
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}`).hostname;
  } catch {
    return notHost;
  }
  if (wildcard && hostname.startsWith("[")) {
    return `Cannot use "*." with an IP address in "${entry}"`;
  }
  return { wildcard, hostname, port: port === undefined ? undefined : String(Number(port)) };
}

/**
 * Writes a rule back as an entry, in the form `--allow-net` accepts.
 *
 * @param rule The rule.
 * @returns `host`, `host:port` or `*.host`.
 */
export function formatHostRule(rule: HostRule): string {
  return `${rule.wildcard ? "*." : ""}${rule.hostname}${
    rule.port === undefined ? "" : `:${rule.port}`
  }`;
}

/**
 * Tells whether a URL's host is allowed by some rule.
 *
 * @param url An http or https URL.
 * @param rules The parsed allow-list.
 * @returns `true` when a rule allows the URL's host and port.
 */
export function isHostAllowed(url: URL, rules: readonly HostRule[]): boolean {
  const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
  return rules.some((rule) =>
    (rule.wildcard ? url.hostname.endsWith(`.${rule.hostname}`) : url.hostname === rule.hostname) &&
    (rule.port === undefined || rule.port === port)
  );
}
