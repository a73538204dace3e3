import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch } from './patch.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { deployment } from './test-support.js';

interface Container { name: string; image?: string; args?: string[]; env?: unknown[]; ports?: unknown[] }
interface Shape { metadata: { name?: string; finalizers?: string[]; labels?: Record<string, string> }; spec: { strategy?: unknown; template: { spec: { containers: Container[] } } } }

const web = (): Shape => structuredClone(deployment('shop', 'web')) as unknown as Shape;
const smp = (original: Shape, patch: unknown): Shape => applyStrategicMergePatch(original as unknown as Record<string, unknown>, patch, 'apps/v1', 'Deployment') as unknown as Shape;

describe('JSON patch (RFC 6902)', () => {
  it('adds, replaces, removes, moves, copies and tests, with ~1 and ~0 in pointers', () => {
    const result = applyJsonPatch({ metadata: { annotations: { 'a/b': '1', 'c~d': '2' } }, list: [1, 2] }, [
      { op: 'replace', path: '/metadata/annotations/a~1b', value: 'x' },
      { op: 'remove', path: '/metadata/annotations/c~0d' },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'copy', from: '/list/3', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'test', path: '/moved', value: 3 },
    ]);
    expect(result).toEqual({ metadata: { annotations: { 'a/b': 'x' } }, list: [0, 1, 2, 3], moved: 3 });
  });

  it('fails with 422 when a parent is missing, a replaced key is absent, an index is out of range or a test does not hold', () => {
    for (const op of [
      { op: 'add', path: '/metadata/annotations/x', value: '1' },
      { op: 'replace', path: '/missing', value: 1 },
      { op: 'remove', path: '/list/5' },
      { op: 'test', path: '/list/0', value: 9 },
    ]) {
      expect(() => applyJsonPatch({ metadata: {}, list: [1] }, [op])).toThrow(expect.objectContaining({ code: 422, reason: 'Invalid' }) as Error);
    }
  });

  it('refuses a patch that is not an array with 400', () => {
    expect(() => applyJsonPatch({}, { op: 'add' })).toThrow(expect.objectContaining({ code: 400 }) as Error);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('merges objects recursively, deletes on null and replaces arrays', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, list: [1, 2] }, { a: { b: null, d: 3 }, list: [3] })).toEqual({ a: { c: 2, d: 3 }, list: [3] });
  });
});

describe('strategic merge patch', () => {
  it('merges containers and their ports and env by the OpenAPI merge keys', () => {
    const result = smp(web(), { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 9090 }] }] } } } });
    expect(result.spec.template.spec.containers).toEqual([{ name: 'web', image: 'example.com/web:1', ports: [{ containerPort: 8080 }, { containerPort: 9090 }], env: [{ name: 'A', value: '1' }] }]);
  });

  it('replaces lists without a patch strategy and unions merge lists of primitives', () => {
    const original: Shape = { ...web(), metadata: { name: 'web', finalizers: ['a'] } };
    const result = smp(original, { metadata: { finalizers: ['b'] }, spec: { template: { spec: { containers: [{ name: 'web', args: ['--x'] }] } } } });
    expect(result.metadata.finalizers).toEqual(['a', 'b']);
    const again = smp(result, { spec: { template: { spec: { containers: [{ name: 'web', args: ['--y'] }] } } } });
    expect(again.spec.template.spec.containers[0]?.args).toEqual(['--y']);
  });

  it('honours $patch: delete and replace, $retainKeys, $setElementOrder and $deleteFromPrimitiveList', () => {
    const original = web();
    original.metadata.finalizers = ['a', 'b'];
    original.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } };
    original.spec.template.spec.containers.push({ name: 'sidecar', image: 's:1' });
    const result = smp(original, {
      metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['a'], labels: { $patch: 'replace', only: 'this' } },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'example.com/web:2' }] } },
      },
    });
    expect(result.metadata.finalizers).toEqual(['b']);
    expect(result.metadata.labels).toEqual({ only: 'this' });
    expect(result.spec.strategy).toEqual({ type: 'Recreate' });
    expect(result.spec.template.spec.containers.map((c) => `${c.name}=${c.image ?? ''}`)).toEqual(['sidecar=s:1', 'web=example.com/web:2']);
    const deleted = smp(result, { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['web']);
  });
});
