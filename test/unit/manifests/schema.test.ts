import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCustomKind, validateCustomResource } from '../../kube/openapi/crds/validate.js';
import { validateObject } from '../../kube/openapi/validate.js';
import { type KubeObject, FIXTURES, REPO, kustomize, kustomizeWithPatches, parseObjects } from './kube.js';

/**
 * Every object a user can apply from this repository validates against the Kubernetes 1.34 OpenAPI
 * schemas the way a strict API server judges it (`kubectl apply --validate=strict`): no unknown
 * or misspelled field, the right types, every required field, well-formed quantities and times.
 * The lists are found on disk, so a new overlay or example is covered without editing this file.
 */

/** Every directory under manifests/ that kustomize can render (the base, its parts, each overlay). */
function kustomizations(dir: string): string[] {
  const found = existsSync(join(REPO, dir, 'kustomization.yaml')) ? [dir] : [];
  for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...kustomizations(`${dir}/${entry.name}`));
  }
  return found;
}

/** Every YAML file directly in `dir` (none when the directory does not exist). */
function yamlFiles(dir: string): string[] {
  if (!existsSync(join(REPO, dir))) return [];
  return readdirSync(join(REPO, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

/**
 * Each problem of each object, prefixed with the object it belongs to. Kinds of the CRDs in
 * test/kube/openapi/crds/ (the Prometheus Operator's, for manifests/observability) are validated
 * against those CRDs' schemas.
 */
function problemsOf(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((object) => {
    const id = `${String(object.kind)} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${String(object.metadata?.name)}`;
    const problems = isCustomKind(object.apiVersion, object.kind) ? validateCustomResource(object) : validateObject(object);
    return problems.map((problem) => `${id}: ${problem}`);
  });
}

const isKustomization = (file: string): boolean => /(^|\/)kustomization\.ya?ml$/.test(file);
const EXAMPLE_FILES = [...yamlFiles('manifests/examples'), ...yamlFiles('examples/kube')];
/** A kustomization.yaml among the examples is not an object to apply: its directory is rendered instead. */
const KUSTOMIZATIONS = [...new Set([...kustomizations('manifests'), ...EXAMPLE_FILES.filter(isKustomization).map((file) => file.slice(0, file.lastIndexOf('/')))])];
const EXAMPLES = EXAMPLE_FILES.filter((file) => !isKustomization(file));

describe('the manifests validate against the Kubernetes OpenAPI schemas', () => {
  it('finds the base, every overlay and the observability objects to render', () => {
    expect(KUSTOMIZATIONS).toEqual(
      expect.arrayContaining(['manifests/base', 'manifests/overlays/in-front-of-ingress', 'manifests/overlays/ingress-nginx-sidecar', 'manifests/overlays/direct', 'manifests/observability']),
    );
  });

  it.each(KUSTOMIZATIONS)('every object `kubectl kustomize %s` renders', (dir) => {
    const objects = kustomize(dir);
    expect(objects.length).toBeGreaterThan(0);
    expect(problemsOf(objects)).toEqual([]);
  });

  it("ingress-nginx's controller Deployment and Services with the sidecar overlay's patches applied", () => {
    const patches = join(REPO, 'manifests/overlays/ingress-nginx-sidecar/patches');
    const objects = kustomizeWithPatches(
      ['ingress-nginx-deployment.yaml', 'ingress-nginx-service.yaml', 'ingress-nginx-admission-service.yaml'].map((name) => join(FIXTURES, name)),
      readdirSync(patches).sort().map((name) => join(patches, name)),
    );
    expect(objects.map((object) => object.kind).sort()).toEqual(['Deployment', 'Service', 'Service']);
    expect(problemsOf(objects)).toEqual([]);
  });
});

describe('the example environments validate against the Kubernetes OpenAPI schemas', () => {
  it('finds the examples in manifests/examples/', () => {
    expect(EXAMPLES).toContain('manifests/examples/dev-namespace.yaml');
  });

  it.each(EXAMPLES)('every document of %s', (file) => {
    const objects = parseObjects(readFileSync(join(REPO, file), 'utf8'), relative(REPO, join(REPO, file)));
    expect(objects.length).toBeGreaterThan(0);
    expect(problemsOf(objects)).toEqual([]);
  });
});
