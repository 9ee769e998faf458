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
  ['fd00:ec2::254', 128], // AWS metadata over IPv6 (inside fc00::/7 already; named for clarity)
] as const) {
  BLOCKED.addSubnet(net, bits, 'ipv6');
}

/** IPv4 hidden in an IPv6 address (mapped, compatible, NAT64, 6to4) — checked as the IPv4 it reaches. */
function embeddedV4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const a = Number.parseInt(hex[1]!, 16);
    const b = Number.parseInt(hex[2]!, 16);
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) {
    const a = Number.parseInt(sixToFour[1]!, 16);
    const b = Number.parseInt(sixToFour[2]!, 16);
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return undefined;
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

/** Allow-list entries: exact host names, IP addresses, or CIDR ranges ("10.0.0.0/8", "fd00::/8"). */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const e = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (!e) continue;
      const slash = e.indexOf('/');
      if (slash > 0) {
        const net = e.slice(0, slash);
        const bits = Number(e.slice(slash + 1));
        const fam = isIP(net);
        if (fam && Number.isInteger(bits)) this.ranges.addSubnet(net, bits, fam === 4 ? 'ipv4' : 'ipv6');
      } else if (isIP(e)) {
        this.ranges.addAddress(e, isIP(e) === 4 ? 'ipv4' : 'ipv6');
      } else {
        this.hosts.add(e);
      }
    }
  }

  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
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
