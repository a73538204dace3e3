import { describe, expect, it } from 'vitest';

import { isValidHostPattern, normalizeHost } from '../../../src/routing/host.js';

describe('normalizeHost', () => {
  it.each([
    ['shop.localhost', 'shop.localhost'],
    ['Shop.LocalHost', 'shop.localhost'],
    ['shop.localhost:8080', 'shop.localhost'],
    ['SHOP.localhost:8080', 'shop.localhost'],
    ['shop.localhost.', 'shop.localhost'],
    ['shop.localhost.:8080', 'shop.localhost'],
    ['shop.localhost:', 'shop.localhost'],
    ['localhost', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['my_app-1.example.com', 'my_app-1.example.com'],
    ['[::1]', '[::1]'],
    ['[::1]:8080', '[::1]'],
    ['[FE80::A:1]:443', '[fe80::a:1]'],
    ['[::ffff:192.0.2.1]', '[::ffff:192.0.2.1]'],
    ['a:65535', 'a'],
  ])('turns %j into %j', (header, expected) => {
    expect(normalizeHost(header)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['a b', 'a space'],
    [' shop.localhost', 'a leading space'],
    ['a/b', 'a slash'],
    ['a\\b', 'a backslash'],
    ['user@host', 'userinfo'],
    ['host:notaport', 'a non-numeric port'],
    ['host:65536', 'a port above 65535'],
    ['host:123456', 'a port of more than five digits'],
    ['host:80:80', 'two ports'],
    ['a\u0000b', 'a NUL'],
    ['a\tb', 'a tab'],
    ['a\u007fb', 'a DEL'],
    ['a\u001ab', 'a control character'],
    ['ünicode.example', 'a non-ASCII character'],
    ['a..b', 'an empty label'],
    ['.a', 'a leading dot'],
    ['.', 'only a dot'],
    ['a..', 'two trailing dots'],
    [':8080', 'only a port'],
    ['*.example.com', 'a wildcard'],
    [`${'a'.repeat(64)}.example`, 'a label over 63 characters'],
    [`${'a.'.repeat(126)}ab`, 'a name over 253 characters'],
    ['[::1', 'an unclosed bracket'],
    ['::1]', 'an unopened bracket'],
    ['[::1]]', 'a doubled bracket'],
    ['[]', 'empty brackets'],
    ['[1]', 'a bracketed non-IPv6'],
    ['[::g]', 'a non-hex digit in IPv6'],
    ['[::1\u001a]', 'a control character in IPv6'],
    ['[fe80::1%25eth0]', 'an IPv6 zone id'],
    ['[::1]x', 'text after the bracket'],
    ['[::1]:http', 'a non-numeric IPv6 port'],
  ])('refuses %j (%s)', (header) => {
    expect(normalizeHost(header)).toBeNull();
  });

  it('accepts a name of exactly 253 characters and labels of exactly 63', () => {
    const label = 'a'.repeat(63);
    const name = `${label}.${label}.${label}.${'b'.repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(normalizeHost(name)).toBe(name);
  });
});

describe('isValidHostPattern', () => {
  it.each(['shop.localhost', 'Shop.Example.COM', 'localhost', '*.preview.example.com', '*.localhost', '[::1]', 'shop.localhost.'])(
    'accepts %j',
    (pattern) => {
      expect(isValidHostPattern(pattern)).toBe(true);
    },
  );

  it.each([
    '',
    '*',
    '*.',
    '**.example.com',
    'a*.example.com',
    '*a.example.com',
    'a.*.example.com',
    '*.*.example.com',
    'shop.*',
    'shop.localhost:8080',
    'shop.localhost:',
    '*.example.com:8080',
    '*.[::1]',
    '[::1]:8080',
    'a b',
    'user@host',
  ])('refuses %j', (pattern) => {
    expect(isValidHostPattern(pattern)).toBe(false);
  });
});
