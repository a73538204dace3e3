import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * Test helpers for manifests/: render with the real `kubectl kustomize`, parse with `yaml`, and read
 * the few fields the tests look at. The types below are deliberately partial, for reading: every
 * object is validated in full against the Kubernetes OpenAPI schemas by schema.test.ts
 * (test/kube/openapi/validate.ts: unknown fields, types, required fields, formats).
 */

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Metadata {
  readonly name?: unknown;
  readonly namespace?: string;
  readonly labels?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: Metadata;
  readonly [field: string]: unknown;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

export interface Probe {
  readonly httpGet?: { readonly path?: string; readonly port?: string | number };
}

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly resources?: { readonly requests?: Record<string, unknown>; readonly limits?: Record<string, unknown> };
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly serviceAccountName?: string;
  readonly enableServiceLinks?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: SecurityContext;
  readonly topologySpreadConstraints?: readonly unknown[];
  readonly volumes?: readonly { readonly name: string; readonly configMap?: { readonly name: string } }[];
}

export interface Deployment extends KubeObject {
  readonly metadata: Metadata & { readonly name: string };
  readonly spec: {
    readonly replicas?: number;
    readonly selector: { readonly matchLabels?: Record<string, string> };
    readonly template: { readonly metadata?: Metadata; readonly spec: PodSpec };
  };
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: string | number;
  readonly protocol?: string;
}

export interface Service extends KubeObject {
  readonly metadata: Metadata & { readonly name: string };
  readonly spec: { readonly type?: string; readonly clusterIP?: string; readonly selector?: Record<string, string>; readonly ports: readonly ServicePort[] };
}

export interface ConfigMap extends KubeObject {
  readonly metadata: Metadata & { readonly name: string };
  readonly data?: Record<string, string>;
}

export interface KubectlInfo {
  readonly client: string;
  readonly kustomize: string;
}

const MISSING_KUBECTL =
  'kubectl is needed by the manifest tests: they render manifests/ with `kubectl kustomize` (kubectl 1.27 or newer, ' +
  'which has kustomize v5 built in). It is not on PATH. Install kubectl, then run `npm test` again; no cluster is needed.';

let kubectlInfo: KubectlInfo | Error | undefined;

/** kubectl's client and built-in kustomize versions, or the reason it cannot be used. Asked once. */
export function kubectl(): KubectlInfo | Error {
  if (kubectlInfo !== undefined) return kubectlInfo;
  const run = spawnSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8', timeout: 30_000 });
  if (run.error !== undefined) {
    const code = (run.error as NodeJS.ErrnoException).code;
    kubectlInfo = new Error(code === 'ENOENT' ? MISSING_KUBECTL : `kubectl could not be run: ${run.error.message}`);
  } else if (run.status !== 0) {
    kubectlInfo = new Error(`\`kubectl version --client\` failed (exit ${run.status}): ${run.stderr.trim()}`);
  } else {
    const parsed = JSON.parse(run.stdout) as { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
    kubectlInfo = { client: parsed.clientVersion?.gitVersion ?? 'unknown', kustomize: parsed.kustomizeVersion ?? 'none' };
  }
  return kubectlInfo;
}

function requireKubectl(): void {
  const info = kubectl();
  if (info instanceof Error) throw info;
}

/** Every object of a multi-document YAML text; a syntax error fails the test with yaml's message. */
export function parseObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as KubeObject);
  }
  return objects;
}

/** `kubectl kustomize DIR` (DIR relative to the repository), parsed. */
export function kustomize(dir: string): KubeObject[] {
  requireKubectl();
  const run = spawnSync('kubectl', ['kustomize', join(REPO, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw run.error;
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${run.status}):\n${run.stderr}`);
  return parseObjects(run.stdout, `kubectl kustomize ${dir}`);
}

/**
 * Renders several kustomization directories (relative to the repository) as one, the way a user's
 * own kustomization lists them side by side: kustomize fails on two objects with the same kind,
 * namespace and name. The scratch kustomization refers to them by relative paths (kustomize refuses
 * absolute ones).
 */
export function kustomizeTogether(dirs: readonly string[]): KubeObject[] {
  requireKubectl();
  const dir = mkdtempSync(join(tmpdir(), 'wakegate-kustomize-'));
  try {
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      ...dirs.map((resource) => `  - ${relative(dir, join(REPO, resource))}`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    if (run.error !== undefined) throw run.error;
    if (run.status !== 0) throw new Error(`kubectl kustomize (${dirs.join(' + ')}) failed (exit ${run.status}):\n${run.stderr}`);
    return parseObjects(run.stdout, `kubectl kustomize (${dirs.join(' + ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Renders `resources` with `patches` applied the way a user's own kustomization would: both are
 * copied into a scratch directory (kustomize refuses files outside its root) next to a kustomization.yaml.
 */
export function kustomizeWithPatches(resources: readonly string[], patches: readonly string[]): KubeObject[] {
  requireKubectl();
  const dir = mkdtempSync(join(tmpdir(), 'wakegate-kustomize-'));
  try {
    const copy = (file: string, index: number, prefix: string): string => {
      const name = `${prefix}-${index}.yaml`;
      cpSync(file, join(dir, name));
      return name;
    };
    const resourceNames = resources.map((file, i) => copy(file, i, 'resource'));
    const patchNames = patches.map((file, i) => copy(file, i, 'patch'));
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      ...resourceNames.map((name) => `  - ${name}`),
      'patches:',
      ...patchNames.map((name) => `  - path: ${name}`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) throw new Error(`kubectl kustomize (resources with patches) failed (exit ${run.status}):\n${run.stderr}`);
    return parseObjects(run.stdout, 'kubectl kustomize (resources with patches)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const SIDECAR_DIR = 'manifests/overlays/ingress-nginx-sidecar';

let patchedController: readonly KubeObject[] | undefined;
/** ingress-nginx's controller (a fixture) with the sidecar patches applied as a user's kustomization would. */
export function ingressNginxWithSidecar(): readonly KubeObject[] {
  const fixture = (name: string): string => join(FIXTURES, name);
  const sidecarPatch = (name: string): string => join(REPO, SIDECAR_DIR, 'patches', name);
  patchedController ??= kustomizeWithPatches(
    [fixture('ingress-nginx-deployment.yaml'), fixture('ingress-nginx-service.yaml'), fixture('ingress-nginx-admission-service.yaml')],
    [sidecarPatch('deployment.yaml'), sidecarPatch('service.yaml')],
  );
  return patchedController;
}

/** `kubectl patch --local --type strategic`: the documented way to patch a controller installed by other means. */
export function kubectlPatchLocal(objectFile: string, patchFile: string): KubeObject {
  requireKubectl();
  const run = spawnSync('kubectl', ['patch', '--local', '-f', objectFile, '--type', 'strategic', '--patch-file', patchFile, '-o', 'yaml'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`kubectl patch --local -f ${objectFile} failed (exit ${run.status}):\n${run.stderr}`);
  const objects = parseObjects(run.stdout, `kubectl patch --local -f ${objectFile}`);
  if (objects.length !== 1 || objects[0] === undefined) throw new Error(`kubectl patch --local -f ${objectFile} printed ${objects.length} objects, not 1`);
  return objects[0];
}

export function ofKind<T extends KubeObject>(objects: readonly KubeObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

export function named<T extends KubeObject>(objects: readonly KubeObject[], kind: string, name: string): T {
  const found = ofKind<T>(objects, kind).filter((object) => object.metadata?.name === name);
  if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one ${kind} named ${name}, found ${found.length}`);
  return found[0];
}

/** The containerPort a probe or Service targetPort names, by name or number. */
export function resolvePort(container: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/**
 * The variables the kubelet adds to every container of a pod with service links on (the default):
 * `{NAME}_SERVICE_HOST`, `{NAME}_PORT_80_TCP`, … for every Service with a cluster IP in the pod's namespace.
 */
export function serviceLinkVariables(services: readonly Service[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const service of services) {
    if (service.spec.clusterIP === 'None') continue;
    const prefix = service.metadata.name.toUpperCase().replaceAll('-', '_');
    const ip = '10.96.0.10';
    service.spec.ports.forEach((port, index) => {
      const protocol = port.protocol ?? 'TCP';
      const link = `${prefix}_PORT_${port.port}_${protocol}`;
      if (index === 0) {
        variables[`${prefix}_SERVICE_HOST`] = ip;
        variables[`${prefix}_SERVICE_PORT`] = String(port.port);
        variables[`${prefix}_PORT`] = `${protocol.toLowerCase()}://${ip}:${port.port}`;
      }
      if (port.name !== undefined) variables[`${prefix}_SERVICE_PORT_${port.name.toUpperCase().replaceAll('-', '_')}`] = String(port.port);
      variables[link] = `${protocol.toLowerCase()}://${ip}:${port.port}`;
      variables[`${link}_PROTO`] = protocol.toLowerCase();
      variables[`${link}_PORT`] = String(port.port);
      variables[`${link}_ADDR`] = ip;
    });
  }
  return variables;
}

/** One permission of a rendered ClusterRole or Role: a verb on a resource of an API group. */
export interface GrantedRule {
  /** `ClusterRole/wakegate`, or `Role/<name>` (effective only in `namespace`). */
  readonly role: string;
  /** Set for a Role: the only namespace where it grants anything. */
  readonly namespace?: string;
  /** `''` is the core group. */
  readonly apiGroup: string;
  /** A subresource is `<resource>/<subresource>`, as in RBAC: `deployments/scale`. */
  readonly resource: string;
  readonly verb: string;
  /** Present when the rule is limited to these object names. */
  readonly resourceNames?: readonly string[];
}

interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/**
 * Every (apiGroup, resource, verb) a set of rendered objects grants through its ClusterRoles and
 * Roles, one entry per triple and role, in a stable order. Rules for non-resource URLs are kept as
 * resource `nonResourceURL:<url>` with group `''` so that a test of "nothing wider" sees them.
 */
export function grantedRules(objects: readonly KubeObject[]): GrantedRule[] {
  const granted: GrantedRule[] = [];
  for (const object of objects) {
    if (object.kind !== 'ClusterRole' && object.kind !== 'Role') continue;
    const role = `${object.kind}/${String(object.metadata?.name)}`;
    const namespace = object.kind === 'Role' ? object.metadata?.namespace : undefined;
    for (const rule of (object.rules ?? []) as readonly PolicyRule[]) {
      const targets = [
        ...(rule.apiGroups ?? []).flatMap((apiGroup) => (rule.resources ?? []).map((resource) => ({ apiGroup, resource }))),
        ...(rule.nonResourceURLs ?? []).map((url) => ({ apiGroup: '', resource: `nonResourceURL:${url}` })),
      ];
      for (const { apiGroup, resource } of targets) {
        for (const verb of rule.verbs) {
          granted.push({
            role,
            ...(namespace === undefined ? {} : { namespace }),
            apiGroup,
            resource,
            verb,
            ...(rule.resourceNames === undefined || rule.resourceNames.length === 0 ? {} : { resourceNames: rule.resourceNames }),
          });
        }
      }
    }
  }
  const key = (rule: GrantedRule): string => [rule.role, rule.apiGroup, rule.resource, rule.verb, rule.resourceNames?.join(',') ?? ''].join(' ');
  return granted.sort((a, b) => key(a).localeCompare(key(b)));
}
