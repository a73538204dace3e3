import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { TestUpstream } from '../../helpers/upstream.js';
import { startWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
});

afterAll(async () => {
  await upstream.close();
});

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

const PER_REQUEST_MESSAGES = ['request', 'upstream request failed'];

describe('logs and metrics of the request path', () => {
  it('logs nothing above debug per request by default', async () => {
    const wg = await startWakegate({ log: { level: 'info' }, environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }] });
    try {
      const before = wg.logs().length;
      for (let i = 0; i < 20; i++) await send({ port: wg.port, path: '/echo' });
      await send({ port: wg.port, host: 'nobody.test' });
      await new Promise((r) => setTimeout(r, 50));
      expect(wg.logs().length).toBe(before);
    } finally {
      await wg.stop();
    }
  });

  it('writes one access-log line per request when the access log is on', async () => {
    const wg = await startWakegate({ log: { level: 'info', accessLog: true }, environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }] });
    try {
      await send({ port: wg.port, path: '/echo?x=1' });
      await send({ port: wg.port, host: 'nobody.test', path: '/y' });
      await new Promise((r) => setTimeout(r, 50));
      const lines = wg.logs().filter((l) => PER_REQUEST_MESSAGES.includes(String(l.msg)));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ method: 'GET', url: '/echo?x=1', host: 'app.test', status: 200, environment: 'app' });
      expect(lines[1]).toMatchObject({ status: 404, host: 'nobody.test' });
      expect(typeof lines[0]!.ms).toBe('number');
    } finally {
      await wg.stop();
    }
  });

  it('counts proxied requests by status class and upstream failures by kind', async () => {
    const wg = await startWakegate({
      log: { level: 'warn' },
      environments: [
        { name: 'app', hosts: ['app.test'], upstream: upstream.origin },
        { name: 'gone', hosts: ['gone.test'], upstream: 'http://127.0.0.1:9' },
      ],
    });
    try {
      for (let i = 0; i < 3; i++) await send({ port: wg.port, path: '/echo' });
      await send({ port: wg.port, host: 'nobody.test' });
      await send({ port: wg.port, host: 'gone.test' });
      const metrics = (await send({ port: wg.adminPort, path: '/metrics' })).text;
      expect(metricValue(metrics, 'wakegate_requests_total{code_class="2xx"}')).toBe(3);
      expect(metricValue(metrics, 'wakegate_requests_total{code_class="4xx"}')).toBe(1);
      expect(metricValue(metrics, 'wakegate_requests_total{code_class="5xx"}')).toBe(1);
      expect(metricValue(metrics, 'wakegate_upstream_errors_total{kind="refused"}')).toBe(1);
      expect(metricValue(metrics, 'wakegate_request_duration_seconds_count')).toBe(5);
      // Hosts are never labels: a flood of random hosts adds no series.
      const contractSeries = (text: string): number => text.split('\n').filter((l) => /^wakegate_(requests|request_duration|upstream|cold|wake|held|environments|sleeps|kube)/.test(l)).length;
      const seriesBefore = contractSeries(metrics);
      for (let i = 0; i < 50; i++) await send({ port: wg.port, host: `r${i}.random.test`, path: `/p${i}` });
      const after = (await send({ port: wg.adminPort, path: '/metrics' })).text;
      expect(contractSeries(after)).toBe(seriesBefore);
    } finally {
      await wg.stop();
    }
  });

  it('labels request metrics by environment only when metrics.perEnvironment is on', async () => {
    const wg = await startWakegate({ log: { level: 'warn' }, metrics: { perEnvironment: true }, environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }] });
    try {
      await send({ port: wg.port, path: '/echo' });
      const metrics = (await send({ port: wg.adminPort, path: '/metrics' })).text;
      expect(metricValue(metrics, 'wakegate_requests_total{code_class="2xx",environment="app"}')).toBe(1);
    } finally {
      await wg.stop();
    }
  });
});
