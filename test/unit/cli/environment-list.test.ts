import { describe, expect, it } from 'vitest';
import type { EnvironmentView } from '../../../src/admin/types.js';
import { matchesQuery } from '../../../src/cli/environment-list.js';

const SHOP = { id: 'Shop', phase: 'awake', hosts: ['shop.localhost', 'PR-42.preview.localhost'] } as EnvironmentView;

describe('which views a watch keeps, as the list API filters them', () => {
  it.each([
    [{}, true],
    [{ phase: 'awake' }, true],
    [{ phase: 'asleep' }, false],
    [{ search: 'sho' }, true],
    [{ search: 'SHOP' }, true],
    [{ search: 'pr-42' }, true],
    [{ search: '  preview ' }, true],
    [{ search: 'docs' }, false],
    [{ search: '' }, true],
    [{ phase: 'awake', search: 'docs' }, false],
    [{ phase: 'asleep', search: 'shop' }, false],
  ])('query %j: %s', (query, expected) => {
    expect(matchesQuery(SHOP, query)).toBe(expected);
  });
});
