import { InvalidTopologyError } from '../errors.ts';

/** Longer than any real `redis://host:port/db`; bounds the work done on a hostile string. */
const MAX_URL_LENGTH = 1024;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const SCHEME = /^(rediss?):\/\//;
const SENTINEL_SCHEME = /^(rediss?)\+sentinel:\/\//;
/** Sentinel master names are case-sensitive, so the path keeps its case. */
const MASTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const DB = /^(0|[1-9][0-9]{0,9})$/;
const MAX_DB = 2 ** 31 - 1;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const LABEL = '[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?';
const HOSTNAME = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const MAX_HOSTNAME = 253;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

/** A node url in canonical form and the address duplicates are detected on. */
export interface NodeUrl {
  readonly url: string;
  /** `host:port/db`: the scheme is left out, since one server cannot be two nodes over TLS and plain TCP. */
  readonly address: string;
}

/**
 * Checks a node url and returns it with scheme and host lowercased (the only parts where case
 * carries no meaning, so equal addresses give equal bytes). Error messages never quote the url: it
 * may hold a password.
 */
export function parseNodeUrl(value: unknown, field: string): NodeUrl {
  const fail = (message: string): never => {
    throw new InvalidTopologyError(field, message);
  };
  if (typeof value !== 'string') return fail('must be a string like "redis://host:6379"');
  if (value.includes('@')) fail('must not contain credentials (user or password); pass them as client options');
  if (value.length > MAX_URL_LENGTH) fail(`longer than ${MAX_URL_LENGTH} characters`);
  // ASCII first: toLowerCase maps a few non-ASCII letters (the Kelvin sign) onto ASCII ones.
  if (!PRINTABLE_ASCII.test(value)) fail('must be printable ASCII without spaces (write IDN hosts in punycode)');
  if (SENTINEL_SCHEME.test(value.toLowerCase())) return parseSentinelUrl(value, fail);
  const url = value.toLowerCase();
  const scheme = SCHEME.exec(url);
  if (scheme === null) return fail('must start with redis://, rediss:// or redis+sentinel://');
  const rest = url.slice(scheme[0].length);
  if (/[?#]/.test(rest)) fail('must not have a query or fragment; connection options are client settings');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const db = slash === -1 ? undefined : rest.slice(slash + 1);
  if (db !== undefined && (!DB.test(db) || Number(db) > MAX_DB)) fail('database must be a decimal number after "/", like redis://host:6379/2');
  const { host, port } = splitAuthority(authority, fail);
  return { url, address: `${host}:${port}/${db ?? '0'}` };
}

/**
 * A Sentinel-managed node: `redis+sentinel://h1:26379,h2:26379/<master name>[/db]`. The sentinels
 * find the current primary, so the node survives a failover without a topology change.
 */
function parseSentinelUrl(value: string, fail: (message: string) => never): NodeUrl {
  const schemeEnd = value.indexOf('://') + 3;
  const scheme = value.slice(0, schemeEnd).toLowerCase();
  const rest = value.slice(schemeEnd);
  if (/[?#]/.test(rest)) fail('must not have a query or fragment; connection options are client settings');
  const [authority = '', name = '', db, ...extra] = rest.split('/');
  if (extra.length > 0) fail('a sentinel url is redis+sentinel://host:port[,host:port…]/<master name>[/db]');
  if (!MASTER_NAME.test(name)) fail('must name the Sentinel master after the hosts, like redis+sentinel://h1:26379,h2:26379/mymaster');
  if (db !== undefined && (!DB.test(db) || Number(db) > MAX_DB)) fail('database must be a decimal number after the master name');
  const hosts = authority.toLowerCase().split(',').map((entry) => {
    const { host, port } = splitAuthority(entry, fail);
    return `${host}:${port}`;
  });
  if (hosts.length === 0 || hosts.length > 16) fail('must list from 1 to 16 sentinels');
  const url = `${scheme}${hosts.join(',')}/${name}${db === undefined ? '' : `/${db}`}`;
  return { url, address: `sentinel:${[...hosts].sort().join(',')}/${name}/${db ?? '0'}` };
}

function splitAuthority(authority: string, fail: (message: string) => never): { host: string; port: string } {
  let host: string;
  let port: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1 || !isIPv6(authority.slice(1, close))) fail('host is not a valid bracketed IPv6 address');
    host = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail('port must follow the IPv6 address, like redis://[::1]:6379');
    port = after === '' ? undefined : after.slice(1);
  } else {
    const colon = authority.indexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    port = colon === -1 ? undefined : authority.slice(colon + 1);
    if (port?.includes(':')) fail('IPv6 hosts must be in brackets, like redis://[::1]:6379');
    checkHost(host, fail);
  }
  if (port === undefined) return fail('must name a port, like redis://host:6379');
  if (!PORT.test(port) || Number(port) > 65535) fail('port must be a number in [1, 65535] without leading zeros');
  return { host, port };
}

function checkHost(host: string, fail: (message: string) => never): void {
  if (host === '') fail('has no host');
  // A host made of digits and dots is an IPv4 address to every resolver, never a name.
  if (/^[0-9.]+$/.test(host)) {
    if (!IPV4.test(host)) fail('host is not a valid IPv4 address');
  } else if (host.length > MAX_HOSTNAME || !HOSTNAME.test(host)) {
    fail('host must be a DNS name (letters, digits, "-", "_", dot-separated labels), an IPv4 address or a bracketed IPv6 address');
  }
}

/** RFC 4291 text form, with an optional trailing dotted IPv4; zone ids are not portable, so not accepted. */
export function isIPv6(text: string): boolean {
  let groups = text;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    if (lastColon === -1 || !IPV4.test(text.slice(lastColon + 1))) return false;
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!parts.every((list) => list.every((group) => HEX_GROUP.test(group)))) return false;
  const count = parts.reduce((sum, list) => sum + list.length, 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

const SECRET_QUERY = /([?&;][^=&#;]*(?:pass|pwd|auth|token|secret|key)[^=&#;]*=)[^&#;]*/gi;

/**
 * A url safe to print: `user:password@` becomes `***@`, and query values whose name suggests a
 * secret become `***`. Errs towards hiding: everything between `://` and the last `@` is hidden,
 * because passwords are often written with unescaped `/`, `#` or `@`.
 */
export function redactUrl(url: string): string {
  const text = String(url);
  const schemeEnd = text.indexOf('://');
  const start = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const at = text.lastIndexOf('@');
  const hidden = at >= start ? `${text.slice(0, start)}***${text.slice(at)}` : text;
  return hidden.replace(SECRET_QUERY, '$1***');
}
