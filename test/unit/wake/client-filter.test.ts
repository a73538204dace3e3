import { describe, expect, it } from 'vitest';
import { ClientFilter } from '../../../src/wake/client-filter.js';

describe('the client filter', () => {
  const filter = new ClientFilter(['kube-probe', 'Googlebot', 'Datadog/Synthetics', 'a.b(c)']);

  it('ignores a user agent containing any listed substring, whatever its case', () => {
    expect(filter.ignores('kube-probe/1.30')).toBe(true);
    expect(filter.ignores('Mozilla/5.0 (compatible; GOOGLEBOT/2.1)')).toBe(true);
    expect(filter.ignores('datadog/synthetics')).toBe(true);
  });

  it('treats the substrings literally, not as patterns', () => {
    expect(filter.ignores('xa.b(c)y')).toBe(true);
    expect(filter.ignores('axb(c)')).toBe(false);
  });

  it('never ignores a missing user agent, an ordinary one, or anything when the list is empty', () => {
    expect(filter.ignores(undefined)).toBe(false);
    expect(filter.ignores('curl/8.5.0')).toBe(false);
    expect(new ClientFilter([]).ignores('kube-probe/1.30')).toBe(false);
  });
});
