import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 addresses as IPv6 sockets report them (`::ffff:127.0.0.1`). */
const IPV4_MAPPED_PREFIX = '::ffff:';

/**
 * Whether a socket's remote address is on the loopback interface: 127.0.0.0/8, `::1`, or an IPv4-mapped
 * 127.x address. Anything else, `undefined` included (a destroyed socket), is not.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const lower = address.toLowerCase();
  const v4 = lower.startsWith(IPV4_MAPPED_PREFIX) ? lower.slice(IPV4_MAPPED_PREFIX.length) : lower;
  if (isIPv4(v4)) return v4.startsWith('127.');
  // Every spelling of ::1 (0:0:0:0:0:0:0:1, ::0:1 ...) has only zero groups before a final 1.
  return isIPv6(lower) && /^[0:]*:0*1$/.test(lower);
}

/** `localhost`, `127.0.0.1` or `[::1]`, with any port: the names a loopback page is opened by. */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/**
 * Whether a Host header names the loopback interface. A page on another name that reaches a loopback socket is
 * a DNS-rebinding page (attacker.example resolved to 127.0.0.1), which must not read the inspector.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}
