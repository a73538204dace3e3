import { describe, expect, it } from 'vitest';

import { EVENTS_PATH, eventsTarget } from '../../../src/wake/event-path.js';

describe('eventsTarget', () => {
  it('is the events path under /.wakegate', () => {
    expect(EVENTS_PATH).toBe('/.wakegate/events');
  });

  it.each([
    ['/.wakegate/events?env=shop', 'shop'],
    ['/.wakegate/events?env=preview-42', 'preview-42'],
    ['/.wakegate/events?x=1&env=shop&y=2', 'shop'],
    ['/.wakegate/events?env=shop&env=other', 'shop'],
    ['/.wakegate/events?env=team%2Fshop', 'team/shop'],
    ['/.wakegate/events?env=caf%C3%A9', 'café'],
    ['/.wakegate/events?env=my+shop', 'my shop'],
  ])('reads the environment of %j as %j', (path, expected) => {
    expect(eventsTarget(path)).toBe(expected);
  });

  it.each([
    ['/', 'another path'],
    ['/.wakegate/events', 'no query'],
    ['/.wakegate/events?', 'an empty query'],
    ['/.wakegate/events?env=', 'an empty env'],
    ['/.wakegate/events?environment=shop', 'another parameter only'],
    ['/.wakegate/events?xenv=shop', 'a parameter that merely ends in env'],
    ['/.wakegate/events/?env=shop', 'a trailing slash'],
    ['/.wakegate/eventsource?env=shop', 'a longer path'],
    ['/app/.wakegate/events?env=shop', 'the path below another'],
    ['/.wakegate/events?env=%E0%A4%A', 'broken percent-encoding'],
    ['/.wakegate/events?env=%zz', 'a bad escape'],
  ])('is null for %j (%s)', (path) => {
    expect(eventsTarget(path)).toBeNull();
  });
});
