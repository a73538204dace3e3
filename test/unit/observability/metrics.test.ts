import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/observability/metrics.js';
import { find, valueOf } from './prometheus-text.js';

async function scrape(metrics: Metrics): Promise<string> {
  return (await metrics.render()).body;
}

describe('Metrics', () => {
  it('counts requests by status class, clamping statuses outside 100..599', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    for (const status of [101, 200, 204, 302, 404, 404, 431, 502, 504, 599, 600, 99]) {
      metrics.observeRequest(status, 0.001);
    }
    const body = await scrape(metrics);
    const count = (code_class: string): number =>
      valueOf(body, 'wakegate_requests_total', { code_class });
    expect([count('1xx'), count('2xx'), count('3xx'), count('4xx'), count('5xx')]).toEqual([
      2, 2, 1, 3, 4,
    ]);
  });

  it('keeps counting across scrapes instead of restarting from zero', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    metrics.observeRequest(200, 0.01);
    await scrape(metrics);
    metrics.observeRequest(200, 0.01);
    const body = await scrape(metrics);
    expect(valueOf(body, 'wakegate_requests_total', { code_class: '2xx' })).toBe(2);
    expect(valueOf(body, 'wakegate_request_duration_seconds_count')).toBe(2);
  });

  it('observes request durations in buckets from half a millisecond to two minutes', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    metrics.observeRequest(200, 0.0004);
    metrics.observeRequest(200, 90);
    const body = await scrape(metrics);
    const bounds = find(body, 'wakegate_request_duration_seconds_bucket').map((s) => s.labels.le);
    expect(bounds[0]).toBe('0.0005');
    expect(bounds.at(-2)).toBe('120');
    expect(valueOf(body, 'wakegate_request_duration_seconds_bucket', { le: '0.0005' })).toBe(1);
    expect(valueOf(body, 'wakegate_request_duration_seconds_bucket', { le: '60' })).toBe(1);
    expect(valueOf(body, 'wakegate_request_duration_seconds_bucket', { le: '120' })).toBe(2);
    expect(valueOf(body, 'wakegate_request_duration_seconds_sum')).toBeCloseTo(90.0004);
  });

  it('has no environment label unless per-environment metrics are enabled', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    metrics.observeRequest(200, 0.01, 'shop');
    metrics.coldStart('success', 3, 'shop');
    const body = await scrape(metrics);
    expect(body).not.toContain('environment=');
    expect(body).not.toContain('shop');
    expect(valueOf(body, 'wakegate_cold_starts_total', { result: 'success' })).toBe(1);
    expect(valueOf(body, 'wakegate_wake_duration_seconds_count')).toBe(1);
  });

  it('labels request, cold-start and wake metrics by environment when enabled', async () => {
    const metrics = new Metrics({ perEnvironment: true });
    metrics.observeRequest(200, 0.01, 'shop');
    metrics.observeRequest(503, 0.01, 'shop');
    metrics.observeRequest(200, 0.01, 'blog');
    metrics.observeRequest(404, 0.01);
    metrics.coldStart('success', 2, 'shop');
    metrics.coldStart('timeout', 120, 'blog');
    const body = await scrape(metrics);

    const requests = (environment: string, code_class: string): number =>
      valueOf(body, 'wakegate_requests_total', { environment, code_class });
    expect(requests('shop', '2xx')).toBe(1);
    expect(requests('shop', '5xx')).toBe(1);
    expect(requests('blog', '2xx')).toBe(1);
    expect(requests('', '4xx')).toBe(1);
    expect(valueOf(body, 'wakegate_request_duration_seconds_count', { environment: 'shop' })).toBe(2);
    expect(valueOf(body, 'wakegate_cold_starts_total', { result: 'timeout', environment: 'blog' })).toBe(1);
    expect(valueOf(body, 'wakegate_wake_duration_seconds_count', { environment: 'shop' })).toBe(1);
    // A failed wake is counted, not timed.
    expect(find(body, 'wakegate_wake_duration_seconds_count', { environment: 'blog' })).toEqual([]);
  });

  it('drops the series of an environment that is forgotten', async () => {
    const metrics = new Metrics({ perEnvironment: true });
    metrics.observeRequest(200, 0.01, 'gone');
    metrics.coldStart('success', 1, 'gone');
    metrics.observeRequest(200, 0.01, 'kept');
    metrics.forgetEnvironment('gone');
    const body = await scrape(metrics);
    expect(body).not.toContain('"gone"');
    expect(valueOf(body, 'wakegate_requests_total', { environment: 'kept', code_class: '2xx' })).toBe(1);
  });

  it('exports held requests and the configured bound on them', async () => {
    const metrics = new Metrics({ perEnvironment: false, heldRequestsLimit: 50_000 });
    metrics.setHeld(7);
    metrics.setHeld(3);
    const body = await scrape(metrics);
    expect(valueOf(body, 'wakegate_held_requests')).toBe(3);
    expect(valueOf(body, 'wakegate_held_requests_limit')).toBe(50_000);
  });

  it('replaces every phase count, treating absent phases as zero', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    metrics.setEnvironments({ awake: 2, asleep: 5, failed: 1 });
    metrics.setEnvironments({ awake: 3, waking: 1 });
    const body = await scrape(metrics);
    const phase = (p: string): number => valueOf(body, 'wakegate_environments', { phase: p });
    expect([phase('awake'), phase('waking'), phase('asleep'), phase('sleeping'), phase('failed')]).toEqual([
      3, 1, 0, 0, 0,
    ]);
  });

  it('exposes every bounded label value at zero before the first event', async () => {
    const body = await scrape(new Metrics({ perEnvironment: false }));
    for (const kind of ['refused', 'reset', 'timeout', 'protocol', 'other']) {
      expect(valueOf(body, 'wakegate_upstream_errors_total', { kind })).toBe(0);
    }
    for (const code_class of ['1xx', '2xx', '3xx', '4xx', '5xx']) {
      expect(valueOf(body, 'wakegate_requests_total', { code_class })).toBe(0);
    }
    expect(valueOf(body, 'wakegate_sleeps_total', { reason: 'idle' })).toBe(0);
    expect(valueOf(body, 'wakegate_cold_starts_total', { result: 'failure' })).toBe(0);
  });

  it('counts sleeps, upstream errors and Kubernetes errors by their labels', async () => {
    const metrics = new Metrics({ perEnvironment: false });
    metrics.sleep('idle');
    metrics.sleep('idle');
    metrics.sleep('manual');
    metrics.upstreamError('refused');
    metrics.kubeApiError('patch', 409);
    metrics.kubeApiError('watch', 'network');
    metrics.kubeWatchRestart('Deployment');
    const body = await scrape(metrics);
    expect(valueOf(body, 'wakegate_sleeps_total', { reason: 'idle' })).toBe(2);
    expect(valueOf(body, 'wakegate_sleeps_total', { reason: 'manual' })).toBe(1);
    expect(valueOf(body, 'wakegate_upstream_errors_total', { kind: 'refused' })).toBe(1);
    expect(valueOf(body, 'wakegate_kube_api_errors_total', { verb: 'patch', code: '409' })).toBe(1);
    expect(valueOf(body, 'wakegate_kube_api_errors_total', { verb: 'watch', code: 'network' })).toBe(1);
    expect(valueOf(body, 'wakegate_kube_watch_restarts_total', { kind: 'Deployment' })).toBe(1);
  });

  it('keeps each instance in its own registry, with process metrics under the wakegate_ prefix', async () => {
    const a = new Metrics({ perEnvironment: false });
    const b = new Metrics({ perEnvironment: false });
    a.observeRequest(200, 0.01);
    const body = await scrape(b);
    expect(valueOf(body, 'wakegate_requests_total', { code_class: '2xx' })).toBe(0);
    expect(body).toContain('wakegate_process_cpu_user_seconds_total');
    expect(body).toMatch(/^wakegate_nodejs_eventloop_lag_seconds /m);
    expect((await a.render()).contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
