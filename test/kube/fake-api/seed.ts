/** Seeds a store from multi-document YAML manifests; Namespaces are created first so their contents find them. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { isObject } from './http-util.js';
import { resourceOfKind } from './resources.js';
import type { KubeObject, Store } from './store.js';

export class SeedError extends Error {}

export function objectsOfYaml(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    if (document.errors.length > 0) throw new SeedError(`${source}: document ${index + 1}: ${document.errors[0]?.message ?? 'invalid YAML'}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isObject(value.metadata)) {
      throw new SeedError(`${source}: document ${index + 1}: not a Kubernetes object (apiVersion, kind and metadata are required)`);
    }
    objects.push(value as KubeObject);
  }
  return objects;
}

/** Creates every object of the files in `store`; returns how many were created. */
export function seedFromFiles(store: Store, files: readonly string[]): number {
  const objects = files.flatMap((file) => objectsOfYaml(readFileSync(file, 'utf8'), file));
  const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
  for (const object of ordered) {
    const info = resourceOfKind(object.apiVersion, object.kind);
    if (info === undefined) throw new SeedError(`${object.apiVersion} ${object.kind} "${object.metadata.name ?? ''}": not served by the fake API server`);
    store.create(info.resource, { ...object, metadata: { namespace: info.namespaced ? 'default' : undefined, ...object.metadata } });
  }
  return ordered.length;
}
