import { describe, expect, it } from 'vitest';
import { isIPv6, parseNodeUrl } from '../../src/topology/node-url.ts';
import { redactUrl } from '../../src/topology/index.ts';
import { expectInvalid } from './helpers.ts';

describe('node urls', () => {
  it.each([
    ['redis://localhost:6379', 'redis://localhost:6379', 'localhost:6379/0'],
    ['redis://10.0.0.1:6379/2', 'redis://10.0.0.1:6379/2', '10.0.0.1:6379/2'],
    ['rediss://cache-1.example.com:6380', 'rediss://cache-1.example.com:6380', 'cache-1.example.com:6380/0'],
    ['REDIS://Cache_1.Example.COM:7000/0', 'redis://cache_1.example.com:7000/0', 'cache_1.example.com:7000/0'],
    ['redis://[::1]:6379', 'redis://[::1]:6379', '[::1]:6379/0'],
    ['redis://[2001:DB8::ff00:42:8329]:6379/15', 'redis://[2001:db8::ff00:42:8329]:6379/15', '[2001:db8::ff00:42:8329]:6379/15'],
    ['redis://[::ffff:192.0.2.1]:1', 'redis://[::ffff:192.0.2.1]:1', '[::ffff:192.0.2.1]:1/0'],
    ['redis://255.255.255.255:65535', 'redis://255.255.255.255:65535', '255.255.255.255:65535/0'],
  ])('accepts %s', (input, url, address) => {
    expect(parseNodeUrl(input, 'u')).toEqual({ url, address });
  });

  it.each([
    [5, /must be a string/],
    ['', /printable ASCII/],
    ['http://host:6379', /redis:\/\/, rediss:\/\/ or redis\+sentinel:\/\//],
    ['redis:/host:6379', /redis:\/\/, rediss:\/\/ or redis\+sentinel:\/\//],
    ['redis://host', /must name a port/],
    ['redis://host:', /port must be/],
    ['redis://host:0', /port must be/],
    ['redis://host:65536', /port must be/],
    ['redis://host:06379', /port must be/],
    ['redis://host:63a9', /port must be/],
    ['redis://:6379', /has no host/],
    ['redis://host:6379/', /database/],
    ['redis://host:6379/01', /database/],
    ['redis://host:6379/-1', /database/],
    ['redis://host:6379/2147483648', /database/],
    ['redis://host:6379/1/2', /database/],
    ['redis://host:6379?tls=true', /query or fragment/],
    ['redis://host:6379#x', /query or fragment/],
    ['redis://ho st:6379', /printable ASCII/],
    ['redis://hôst:6379', /printable ASCII/],
    ['redis://\u212Aey:6379', /printable ASCII/], // the Kelvin sign lowercases to "k"
    ['redis://-host:6379', /DNS name/],
    ['redis://host-:6379', /DNS name/],
    ['redis://a..b:6379', /DNS name/],
    ['redis://host.:6379', /DNS name/],
    [`redis://${'a'.repeat(64)}:6379`, /DNS name/],
    [`redis://${Array.from({ length: 64 }, () => 'abc').join('.')}:6379`, /DNS name/],
    ['redis://256.0.0.1:6379', /IPv4/],
    ['redis://1.2.3:6379', /IPv4/],
    ['redis://01.2.3.4:6379', /IPv4/],
    ['redis://::1:6379', /brackets/],
    ['redis://[::1:6379', /IPv6/],
    ['redis://[1:2:3:4:5:6:7:8:9]:6379', /IPv6/],
    ['redis://[fe80::1%25eth0]:6379', /IPv6/],
    ['redis://[::1]6379', /port must follow/],
    ['redis://[::1]', /must name a port/],
    [`redis://h:1/${'1'.repeat(1100)}`, /longer than 1024/],
  ])('rejects %s', (input, message) => {
    expectInvalid(() => parseNodeUrl(input, 'nodes[0].url'), 'nodes[0].url', message);
  });

  it.each([
    'redis://alice:hunter2@host:6379',
    'redis://:hunter2@host:6379',
    'redis://bobby@host:6379',
    'rediss://u:p%40ss@host:6379/1',
    'redis://u:a/b@c#d@host:6379',
  ])('rejects credentials in %s without echoing them', (url) => {
    const error = expectInvalid(() => parseNodeUrl(url, 'nodes[1].url'), 'nodes[1].url', /credentials/);
    for (const secret of ['hunter2', 'p%40ss', 'a/b', 'alice', 'bobby']) {
      if (url.includes(secret)) expect(error.message).not.toContain(secret);
    }
  });

  it('never quotes the url in any error', () => {
    for (const url of ['redis://secretpart:99999', 'http://secretpart:1', 'redis://secretpart?x=1']) {
      const error = expectInvalid(() => parseNodeUrl(url, 'u'), 'u');
      expect(error.message).not.toContain('secretpart');
    }
  });

  it.each([
    ['::', true], ['::1', true], ['1::', true], ['1:2:3:4:5:6:7:8', true], ['1:2:3:4:5:6:7::', true],
    ['::ffff:1.2.3.4', true], ['1:2:3:4:5:6:1.2.3.4', true],
    ['', false], [':', false], [':::', false], ['1:2:3:4:5:6:7', false], ['1::2::3', false], ['12345::', false],
    ['1:2:3:4:5:6:7:8:1.2.3.4', false], ['1.2.3.4', false], ['::1.2.3', false], ['g::', false], [':1', false],
  ])('isIPv6(%s) is %s', (text, expected) => {
    expect(isIPv6(text)).toBe(expected);
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://user:password@host:6379/1', 'redis://***@host:6379/1'],
    ['redis://:password@host:6379', 'redis://***@host:6379'],
    ['rediss://default@host:6379', 'rediss://***@host:6379'],
    ['redis://u:p@ss/w#rd@host:6379', 'redis://***@host:6379'],
    ['redis://host:6379', 'redis://host:6379'],
    ['user:password@host:6379', '***@host:6379'],
    ['redis://host:6379?password=hunter2&db=1', 'redis://host:6379?password=***&db=1'],
    ['redis://host:6379?db=1&authToken=abc;x=1', 'redis://host:6379?db=1&authToken=***;x=1'],
    ['', ''],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('Sentinel-managed node urls', () => {
  it('accepts redis+sentinel://hosts/master[/db], keeping the master name case', () => {
    const parsed = parseNodeUrl('REDIS+SENTINEL://S1.example:26379,10.0.0.2:26380/MyMaster/2', 'nodes[0].url');
    expect(parsed.url).toBe('redis+sentinel://s1.example:26379,10.0.0.2:26380/MyMaster/2');
    expect(parseNodeUrl('redis+sentinel://b:26379,a:26379/m', 'u').address).toBe(parseNodeUrl('redis+sentinel://a:26379,b:26379/m', 'u').address);
  });

  it.each([
    ['redis+sentinel://s1:26379', /master/],
    ['redis+sentinel://s1:26379/bad name', /printable/],
    ['redis+sentinel://s1/m', /port/],
    ['redis+sentinel://user:pw@s1:26379/m', /credentials/],
    ['redis+sentinel://s1:26379/m/x', /database/],
  ])('rejects %s', (url, message) => {
    expect(() => parseNodeUrl(url, 'nodes[0].url')).toThrow(message);
  });
});
