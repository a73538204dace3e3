import { describe, expect, it } from 'vitest';

import { InvalidRouteError, RouteConflictError } from '../../../src/routing/errors.js';
import { RouteTable, type RouteSpec } from '../../../src/routing/route-table.js';

function table(routes: Record<string, string>): RouteTable<string> {
  const specs = Object.entries(routes).map(([key, target]): RouteSpec<string> => {
    const slash = key.indexOf('/');
    return { host: key.slice(0, slash), pathPrefix: key.slice(slash), target };
  });
  return RouteTable.build(specs);
}

describe('RouteTable host matching', () => {
  const routes = table({
    'shop.localhost/': 'shop',
    'blog.localhost/': 'blog',
    '*.preview.example.com/': 'preview',
    '*.eu.preview.example.com/': 'preview-eu',
    'main.preview.example.com/': 'main',
    '[::1]/': 'ipv6',
    'Upper.Example.COM/': 'upper',
  });

  it.each([
    ['shop.localhost', 'shop'],
    ['blog.localhost', 'blog'],
    ['SHOP.Localhost', 'shop'],
    ['upper.example.com', 'upper'],
    ['shop.localhost:8080', 'shop'],
    ['shop.localhost.', 'shop'],
    ['Shop.Localhost.:443', 'shop'],
    ['[::1]:8080', 'ipv6'],
    ['[::1]', 'ipv6'],
  ])('routes an exact host given as %j', (host, target) => {
    expect(routes.lookup(host, '/')).toBe(target);
  });

  it.each([
    ['pr-1.preview.example.com', 'preview'],
    ['PR-1.Preview.Example.com:8443', 'preview'],
    ['a.b.preview.example.com', 'preview'],
    ['x.eu.preview.example.com', 'preview-eu'],
    ['x.y.eu.preview.example.com', 'preview-eu'],
    ['eu.preview.example.com', 'preview'],
  ])('routes %j to the most specific wildcard', (host, target) => {
    expect(routes.lookup(host, '/')).toBe(target);
  });

  it('prefers an exact host over a wildcard that also covers it', () => {
    expect(routes.lookup('main.preview.example.com', '/')).toBe('main');
  });

  it('does not let a wildcard match its own apex', () => {
    expect(routes.lookup('preview.example.com', '/')).toBeUndefined();
    expect(routes.lookup('example.com', '/')).toBeUndefined();
  });

  it('does not match a host that only ends with the suffix text', () => {
    expect(routes.lookup('xpreview.example.com', '/')).toBeUndefined();
  });

  it.each([
    ['unknown.localhost'],
    ['localhost'],
    ['shop.localhost.evil.com'],
    ['[::2]'],
  ])('answers undefined for the unknown host %j', (host) => {
    expect(routes.lookup(host, '/')).toBeUndefined();
  });

  it.each([
    [undefined],
    [''],
    ['shop localhost'],
    ['shop.localhost/x'],
    ['user@shop.localhost'],
    ['shop.localhost:notaport'],
    ['shop.localhost\u0000'],
    ['[::1'],
    ['pr-1.preview.example.com\r\n'],
  ])('answers undefined for the invalid host %j', (host) => {
    expect(routes.lookup(host, '/')).toBeUndefined();
  });
});

describe('RouteTable path matching', () => {
  const routes = table({
    'shop.localhost/': 'root',
    'shop.localhost/api': 'api',
    'shop.localhost/api/v2/': 'api-v2',
    'shop.localhost/static': 'static',
    'api-only.localhost/api': 'only-api',
    '*.preview.example.com/docs': 'preview-docs',
    '*.preview.example.com/': 'preview',
  });

  it.each([
    ['/', 'root'],
    ['/other', 'root'],
    ['/api', 'api'],
    ['/api/', 'api'],
    ['/api/users', 'api'],
    ['/api?x=1', 'api'],
    ['/api#frag', 'api'],
    ['/apix', 'root'],
    ['/api/v2', 'api-v2'],
    ['/api/v2/items?x=1', 'api-v2'],
    ['/api/v2x', 'api'],
    ['/API', 'root'],
    ['/static/app.js', 'static'],
    ['*', 'root'],
  ])('sends %j to the longest matching prefix (%s)', (path, target) => {
    expect(routes.lookup('shop.localhost', path)).toBe(target);
  });

  it('answers undefined when no prefix of the host covers the path', () => {
    expect(routes.lookup('api-only.localhost', '/api/x')).toBe('only-api');
    expect(routes.lookup('api-only.localhost', '/other')).toBeUndefined();
    expect(routes.lookup('api-only.localhost', '/')).toBeUndefined();
  });

  it('applies path prefixes to wildcard hosts too', () => {
    expect(routes.lookup('a.preview.example.com', '/docs/intro')).toBe('preview-docs');
    expect(routes.lookup('a.preview.example.com', '/docsy')).toBe('preview');
  });

  it('chooses the host before the path, without falling back to a wildcard', () => {
    const mixed = table({ 'api.preview.example.com/api': 'exact-api', '*.preview.example.com/': 'preview' });
    expect(mixed.lookup('api.preview.example.com', '/api')).toBe('exact-api');
    expect(mixed.lookup('api.preview.example.com', '/other')).toBeUndefined();
  });
});

describe('RouteTable build', () => {
  it('rejects the same host and prefix twice, naming both routes', () => {
    const specs: RouteSpec<string>[] = [
      { host: 'Shop.localhost', pathPrefix: '/api/', target: 'a' },
      { host: 'blog.localhost', pathPrefix: '/', target: 'b' },
      { host: 'shop.localhost.', pathPrefix: '/api', target: 'c' },
    ];
    const error = captureError(() => RouteTable.build(specs));
    expect(error).toBeInstanceOf(RouteConflictError);
    const conflict = error as RouteConflictError;
    expect(conflict.code).toBe('WAKEGATE_ROUTE_CONFLICT');
    expect(conflict.first).toEqual({ index: 0, spec: specs[0] });
    expect(conflict.second).toEqual({ index: 2, spec: specs[2] });
    expect(conflict.message).toContain('route #0 (host "Shop.localhost" path "/api/")');
    expect(conflict.message).toContain('route #2 (host "shop.localhost." path "/api")');
  });

  it('rejects the same wildcard twice but allows the same name as exact and wildcard', () => {
    expect(() =>
      RouteTable.build([
        { host: '*.example.com', pathPrefix: '/', target: 1 },
        { host: '*.EXAMPLE.com', pathPrefix: '/', target: 2 },
      ]),
    ).toThrow(RouteConflictError);
    expect(() =>
      RouteTable.build([
        { host: 'example.com', pathPrefix: '/', target: 1 },
        { host: '*.example.com', pathPrefix: '/', target: 2 },
      ]),
    ).not.toThrow();
  });

  it.each([
    [{ host: 'shop.localhost:8080', pathPrefix: '/' }, 'host'],
    [{ host: 'a.*.example.com', pathPrefix: '/' }, 'host'],
    [{ host: 'shop.localhost', pathPrefix: 'api' }, 'pathPrefix'],
    [{ host: 'shop.localhost', pathPrefix: '' }, 'pathPrefix'],
    [{ host: 'shop.localhost', pathPrefix: '/api?x=1' }, 'pathPrefix'],
    [{ host: 'shop.localhost', pathPrefix: '/a b' }, 'pathPrefix'],
  ] as const)('rejects the invalid route %j', (route, field) => {
    const error = captureError(() => RouteTable.build([{ ...route, target: 'x' }]));
    expect(error).toBeInstanceOf(InvalidRouteError);
    expect((error as InvalidRouteError).code).toBe('WAKEGATE_ROUTE_INVALID');
    expect((error as InvalidRouteError).field).toBe(field);
  });

  it('keeps the specs as given, in order, and counts them', () => {
    const specs = [
      { host: 'b.localhost', pathPrefix: '/', target: { env: 'b' } },
      { host: 'A.localhost', pathPrefix: '/api/', target: { env: 'a' } },
    ];
    const routes = RouteTable.build(specs);
    expect(routes.size).toBe(2);
    expect(routes.routes()).toEqual(specs);
    expect(routes.lookup('a.localhost', '/api')).toBe(specs[1]?.target);
  });

  it('gives an empty table that matches nothing', () => {
    const routes = RouteTable.empty<string>();
    expect(routes.size).toBe(0);
    expect(routes.routes()).toEqual([]);
    expect(routes.lookup('shop.localhost', '/')).toBeUndefined();
  });

  it('refuses a wildcard cache size that is not a positive integer', () => {
    expect(() => RouteTable.build([], { wildcardCacheSize: 0 })).toThrow(RangeError);
    expect(() => RouteTable.build([], { wildcardCacheSize: 1.5 })).toThrow(RangeError);
  });
});

describe('RouteTable at scale', () => {
  it('answers correctly on a table of 10 000 routes, exact and wildcard', () => {
    const specs: RouteSpec<number>[] = [];
    for (let i = 0; i < 5_000; i++) specs.push({ host: `env-${i}.dev.example.com`, pathPrefix: '/', target: i });
    for (let i = 5_000; i < 7_500; i++) specs.push({ host: `*.pr-${i}.preview.example.com`, pathPrefix: '/', target: i });
    for (let i = 7_500; i < 10_000; i++) specs.push({ host: `api-${i % 100}.localhost`, pathPrefix: `/svc-${i}`, target: i });
    const routes = RouteTable.build(specs);
    expect(routes.size).toBe(10_000);

    for (let i = 0; i < 5_000; i += 7) expect(routes.lookup(`ENV-${i}.dev.example.com:443`, '/x')).toBe(i);
    for (let i = 5_000; i < 7_500; i += 7) expect(routes.lookup(`web.pr-${i}.preview.example.com`, '/')).toBe(i);
    for (let i = 7_500; i < 10_000; i += 7) expect(routes.lookup(`api-${i % 100}.localhost`, `/svc-${i}/q?a=1`)).toBe(i);
    expect(routes.lookup('env-5000.dev.example.com', '/')).toBeUndefined();
    expect(routes.lookup('pr-5000.preview.example.com', '/')).toBeUndefined();
    expect(routes.lookup('api-1.localhost', '/svc-1')).toBeUndefined();
  });

  it('keeps the wildcard cache bounded under 50 000 random hosts', () => {
    const routes = RouteTable.build(
      [
        { host: '*.preview.example.com', pathPrefix: '/', target: 'preview' },
        { host: 'shop.localhost', pathPrefix: '/', target: 'shop' },
      ],
      { wildcardCacheSize: 1_000 },
    );
    let seed = 42;
    const random = (): string => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed.toString(36);
    };
    let wrong = 0;
    for (let i = 0; i < 50_000; i++) {
      const host = i % 2 === 0 ? `${random()}.preview.example.com` : `${random()}.${random()}.example.org`;
      if (routes.lookup(host, '/') !== (i % 2 === 0 ? 'preview' : undefined)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(routes.cacheSize).toBe(1_000);
    expect(routes.lookup('pr-1.preview.example.com', '/')).toBe('preview');
    expect(routes.lookup('shop.localhost', '/')).toBe('shop');
  });

  it('caches nothing when the table has no wildcard', () => {
    const routes = table({ 'shop.localhost/': 'shop' });
    for (let i = 0; i < 1_000; i++) routes.lookup(`host-${i}.example.org`, '/');
    expect(routes.cacheSize).toBe(0);
  });

  it('remembers the wildcard answer for a host, positive and negative', () => {
    const routes = table({ '*.preview.example.com/': 'preview' });
    expect(routes.lookup('a.preview.example.com', '/')).toBe('preview');
    expect(routes.lookup('a.preview.example.com:8080', '/')).toBe('preview');
    expect(routes.lookup('nope.example.org', '/')).toBeUndefined();
    expect(routes.lookup('nope.example.org', '/')).toBeUndefined();
    expect(routes.cacheSize).toBe(2);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
