/** Which addresses a fetch may reach: public unicast only, unless the config allow-lists a host or range. */
import { BlockList, isIP } from 'node:net';

const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. 169.254.169.254 cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // former 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  // Translators a network runs for itself reach its own IPv4 hosts: local-use NAT64 and Teredo.
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['fd00:ec2::254', 128], // AWS metadata over IPv6 (inside fc00::/7 already; named for clarity)
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad read as two groups). */
function groupsOf(ip: string): number[] | undefined {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h ? h.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * IPv4 hidden in an IPv6 address (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, compatible ::/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16), however the address is written: checked as the IPv4 it reaches.
 */
function embeddedV4(ip: string): string | undefined {
  const g = groupsOf(ip);
  if (!g) return undefined;
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (g[0] === 0x2002) return quad(g[1]!, g[2]!);
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const mapped = (zeroTo(5) && g[5] === 0xffff) || (zeroTo(4) && g[4] === 0xffff && g[5] === 0);
  // ::/96 without :: and ::1 themselves, which are blocked as they are.
  const compatible = zeroTo(6) && (g[6] !== 0 || g[7]! > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  return mapped || compatible || nat64 ? quad(g[6]!, g[7]!) : undefined;
}

/** True when `ip` is private, loopback, link-local, CGNAT, multicast, reserved or a metadata address. */
export function isBlockedAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return BLOCKED.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedV4(ip);
    if (v4) return BLOCKED.check(v4, 'ipv4');
    return BLOCKED.check(ip.replace(/%.*$/, ''), 'ipv6');
  }
  return true;
}

/** An allow-list entry read: a host name, an address, or a CIDR range; or why it is not one. */
export type AllowEntry =
  | { kind: 'host'; host: string }
  | { kind: 'range'; net: string; bits: number; family: 'ipv4' | 'ipv6' }
  | { kind: 'invalid'; reason: string };

/** Reads one allow-list entry: "feeds.internal", "10.0.0.7", "10.0.0.0/8", "[fd00::1]", "fd00::/8". */
export function parseAllowEntry(raw: string): AllowEntry {
  const e = raw
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (!e) return { kind: 'invalid', reason: 'empty entry' };
  const slash = e.indexOf('/');
  const net = slash >= 0 ? e.slice(0, slash) : e;
  const fam = isIP(net);
  if (slash >= 0) {
    const max = fam === 6 ? 128 : 32;
    const bits = e.slice(slash + 1);
    if (!fam)
      return { kind: 'invalid', reason: `"${raw}": ${net || 'nothing'} before the / is not an IP address` };
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max)
      return {
        kind: 'invalid',
        reason: `"${raw}": the prefix length after the / must be a number from 0 to ${max}`,
      };
    return { kind: 'range', net, bits: Number(bits), family: fam === 4 ? 'ipv4' : 'ipv6' };
  }
  if (fam) return { kind: 'range', net, bits: fam === 4 ? 32 : 128, family: fam === 4 ? 'ipv4' : 'ipv6' };
  if (!/^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/.test(e))
    return { kind: 'invalid', reason: `"${raw}" is neither a host name, an IP address nor a CIDR range` };
  return { kind: 'host', host: e };
}

/** Allow-list entries: exact host names, IP addresses, or CIDR ranges ("10.0.0.0/8", "fd00::/8"). */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  /** Throws on an entry that is not a host, address or range (the config schema refuses those first). */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = parseAllowEntry(raw);
      if (entry.kind === 'invalid') throw new Error(`fetch.allowPrivate: ${entry.reason}`);
      if (entry.kind === 'host') this.hosts.add(entry.host);
      else this.ranges.addSubnet(entry.net, entry.bits, entry.family);
    }
  }

  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(ip: string): boolean {
    const fam = isIP(ip);
    if (!fam) return false;
    if (this.ranges.check(ip, fam === 4 ? 'ipv4' : 'ipv6')) return true;
    const v4 = fam === 6 ? embeddedV4(ip) : undefined;
    return v4 ? this.ranges.check(v4, 'ipv4') : false;
  }
}

/** Whether a connection to `ip`, reached through host name `host`, is permitted. */
export function addressPermitted(ip: string, host: string, allow: AllowList): boolean {
  return !isBlockedAddress(ip) || allow.allowsAddress(ip) || allow.allowsHost(host);
}
