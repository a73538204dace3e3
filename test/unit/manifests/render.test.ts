import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import {
  type ConfigMap,
  type Container,
  type Deployment,
  type KubeObject,
  type Service,
  FIXTURES,
  REPO,
  SIDECAR_DIR,
  grantedRules,
  ingressNginxWithSidecar,
  kubectl,
  kubectlPatchLocal,
  kustomize,
  named,
  ofKind,
  parseObjects,
  resolvePort,
  serviceLinkVariables,
} from './kube.js';

/**
 * Renders manifests/ the way a user applies it (`kubectl kustomize`, built into kubectl) and checks
 * what a cluster would only reveal at run time: probes on the right port and paths, a pod allowed to
 * drain, a config file wakegate itself accepts, no CPU limit, a locked-down container, RBAC bound to
 * the pod's ServiceAccount, no admin port on a load balancer. Needs kubectl on PATH (no cluster).
 */


interface Shape {
  readonly dir: string;
  readonly mode: 'ingress' | 'direct';
  /** Where ingress mode forwards to, as host:port. */
  readonly ingressUpstream?: string;
  /** A LoadBalancer Service in front of wakegate. */
  readonly loadBalancer: boolean;
  /** Everything a cluster would hold for this shape, and the Deployment whose pod runs wakegate. */
  readonly render: () => { readonly objects: readonly KubeObject[]; readonly deployment: Deployment };
}

const SHAPES: readonly Shape[] = [
  {
    dir: 'manifests/base',
    mode: 'ingress',
    ingressUpstream: 'ingress-nginx-controller.ingress-nginx.svc:80',
    loadBalancer: false,
    render: () => standalone('manifests/base'),
  },
  {
    dir: 'manifests/overlays/in-front-of-ingress',
    mode: 'ingress',
    ingressUpstream: 'ingress-nginx-controller.ingress-nginx.svc:80',
    loadBalancer: true,
    render: () => standalone('manifests/overlays/in-front-of-ingress'),
  },
  { dir: 'manifests/overlays/direct', mode: 'direct', loadBalancer: true, render: () => standalone('manifests/overlays/direct') },
  {
    dir: SIDECAR_DIR,
    mode: 'ingress',
    ingressUpstream: '127.0.0.1:80',
    loadBalancer: true, // ingress-nginx's own Service, now ending at wakegate
    render: () => {
      const controller = ingressNginxWithSidecar();
      const objects = [...rendered(SIDECAR_DIR), ...controller];
      return { objects, deployment: named<Deployment>(controller, 'Deployment', 'ingress-nginx-controller') };
    },
  },
];

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const scratch = mkdtempSync(join(tmpdir(), 'wakegate-manifests-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cache = new Map<string, readonly KubeObject[]>();
function rendered(dir: string): readonly KubeObject[] {
  let objects = cache.get(dir);
  if (objects === undefined) {
    objects = kustomize(dir);
    cache.set(dir, objects);
  }
  return objects;
}

function standalone(dir: string): { objects: readonly KubeObject[]; deployment: Deployment } {
  const objects = rendered(dir);
  return { objects, deployment: named<Deployment>(objects, 'Deployment', 'wakegate') };
}

const fixture = (name: string): string => join(FIXTURES, name);
const sidecarPatch = (name: string): string => join(REPO, SIDECAR_DIR, 'patches', name);

function wakegateContainer(deployment: Deployment): Container {
  const container = deployment.spec.template.spec.containers.find((candidate) => candidate.name === 'wakegate');
  if (container === undefined) throw new Error(`Deployment ${deployment.metadata.name} has no container named wakegate`);
  return container;
}

/**
 * The config the wakegate container would run with: the file the ConfigMap mounts at WAKEGATE_CONFIG,
 * and every variable the container would see — its own env (a Secret's value stands in for
 * secretKeyRef) plus the kubelet's service links when the pod leaves them on — read by wakegate's
 * own loader, which refuses unknown WAKEGATE_* variables.
 */
function effectiveConfig(objects: readonly KubeObject[], deployment: Deployment): Config {
  const pod = deployment.spec.template.spec;
  const container = wakegateContainer(deployment);
  const namespace = deployment.metadata.namespace;
  const env: Record<string, string> = {};
  if (pod.enableServiceLinks !== false) {
    Object.assign(env, serviceLinkVariables(ofKind<Service>(objects, 'Service').filter((service) => service.metadata.namespace === namespace)));
  }
  for (const variable of container.env ?? []) {
    env[variable.name] = variable.value ?? (variable.valueFrom?.secretKeyRef ? 'token-from-the-secret' : downwardApi(deployment, variable.valueFrom?.fieldRef?.fieldPath));
  }

  const path = env.WAKEGATE_CONFIG;
  if (path === undefined) throw new Error('the wakegate container sets no WAKEGATE_CONFIG');
  const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === dirname(path));
  if (mount === undefined) throw new Error(`nothing is mounted at ${dirname(path)}, the directory of WAKEGATE_CONFIG`);
  const volume = pod.volumes?.find((candidate) => candidate.name === mount.name);
  if (volume?.configMap === undefined) throw new Error(`volume ${mount.name} is not a ConfigMap`);
  const configMap = ofKind<ConfigMap>(objects, 'ConfigMap').find((candidate) => candidate.metadata.name === volume.configMap?.name && candidate.metadata.namespace === namespace);
  if (configMap === undefined) throw new Error(`ConfigMap ${volume.configMap.name} is not among the rendered objects in namespace ${namespace}`);
  const text = configMap.data?.[basename(path)];
  if (text === undefined) throw new Error(`ConfigMap ${configMap.metadata.name} has no key ${basename(path)}`);

  const file = join(scratch, `${configMap.metadata.name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadConfig({ file, env }).config;
}

/** What the kubelet puts in a variable with `valueFrom.fieldRef` for a pod of this Deployment. */
function downwardApi(deployment: Deployment, fieldPath: string | undefined): string {
  switch (fieldPath) {
    case 'metadata.namespace':
      return deployment.metadata.namespace ?? 'default';
    case 'metadata.name':
      return `${deployment.metadata.name}-7d9f8c6b5d-x2k4q`;
    default:
      throw new Error(`the test does not know what the downward API puts in ${String(fieldPath)}`);
  }
}

const seconds = (ms: number): number => ms / 1000;

describe('kubectl', () => {
  it('is installed, with kustomize built in (the manifest tests render with it; no cluster needed)', () => {
    const info = kubectl();
    if (info instanceof Error) throw info;
    expect(info.kustomize, `kubectl ${info.client} has no built-in kustomize; 1.27 or newer is needed`).toMatch(/^v5\./);
  });
});

describe.each(SHAPES)('$dir', (shape) => {
  it('renders with kubectl kustomize into well-formed, uniquely named objects', () => {
    const { objects } = shape.render();
    expect(objects.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const object of objects) {
      const id = `${String(object.kind)} ${object.metadata?.namespace ?? ''}/${String(object.metadata?.name)}`;
      expect(typeof object.apiVersion === 'string' && object.apiVersion !== '', `${id}: apiVersion`).toBe(true);
      expect(typeof object.kind === 'string' && object.kind !== '', `${id}: kind`).toBe(true);
      expect(typeof object.metadata?.name === 'string' && object.metadata.name !== '', `${id}: metadata.name`).toBe(true);
      if (!CLUSTER_SCOPED.has(String(object.kind))) expect(object.metadata?.namespace, `${id}: metadata.namespace`).toBeTruthy();
      // The API server refuses labels and annotations that are not strings ("true" must be quoted).
      for (const [key, value] of Object.entries({ ...object.metadata?.labels, ...object.metadata?.annotations })) {
        expect(typeof value, `${id}: ${key} must be a string`).toBe('string');
      }
      expect(ids.has(id), `${id} appears twice`).toBe(false);
      ids.add(id);
    }
  });

  it('commits no Secret: the admin token comes from the optional Secret wakegate-admin, key token', () => {
    const { objects, deployment } = shape.render();
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const token = wakegateContainer(deployment).env?.find((variable) => variable.name === 'WAKEGATE_ADMIN_TOKEN');
    expect(token?.valueFrom?.secretKeyRef).toEqual({ name: 'wakegate-admin', key: 'token', optional: true });
  });

  it("gives the wakegate container a config that wakegate's own loader accepts, with every variable the pod would see", () => {
    const { objects, deployment } = shape.render();
    const config = effectiveConfig(objects, deployment);
    expect(config.provider).toBe('kubernetes');
    expect(config.kubernetes.mode).toBe(shape.mode);
    if (shape.ingressUpstream !== undefined) {
      const upstream = new URL(config.kubernetes.ingressUpstream);
      expect(`${upstream.hostname}:${upstream.port || '80'}`).toBe(shape.ingressUpstream);
    }
    expect(config.shutdown.drainDelay, 'give endpoints and load balancers a few seconds to stop sending').toBeGreaterThan(0);
  });

  it('probes /readyz and /healthz on the admin port, which listens beyond loopback so the kubelet reaches it', () => {
    const { objects, deployment } = shape.render();
    const config = effectiveConfig(objects, deployment);
    const container = wakegateContainer(deployment);
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(resolvePort(container, container.readinessProbe?.httpGet?.port)).toBe(config.admin.listen.port);
    expect(resolvePort(container, container.livenessProbe?.httpGet?.port)).toBe(config.admin.listen.port);
    expect(['0.0.0.0', '::']).toContain(config.admin.listen.host);
    expect(container.ports?.map((port) => port.containerPort)).toEqual(expect.arrayContaining([config.listen.port, config.admin.listen.port]));
  });

  it('sets no CPU limit on any container (CFS throttling adds tail latency), but a CPU request and a memory limit on wakegate', () => {
    const { objects, deployment } = shape.render();
    for (const workload of ofKind<Deployment>(objects, 'Deployment')) {
      const pod = workload.spec.template.spec;
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.resources?.limits?.cpu, `${workload.metadata.name}/${container.name} has a CPU limit`).toBeUndefined();
      }
    }
    const resources = wakegateContainer(deployment).resources;
    expect(resources?.requests?.cpu).toBeDefined();
    expect(resources?.limits?.memory).toBeDefined();
  });

  it('runs wakegate as a non-root user with a read-only root filesystem, no privilege escalation, no capabilities and RuntimeDefault seccomp', () => {
    const { deployment } = shape.render();
    const pod = deployment.spec.template.spec.securityContext ?? {};
    const container = wakegateContainer(deployment).securityContext ?? {};
    expect(container.runAsNonRoot ?? pod.runAsNonRoot).toBe(true);
    // Numeric and non-zero: the image's USER alone cannot be verified as non-root by the kubelet.
    expect(container.runAsUser ?? pod.runAsUser).toBeGreaterThan(0);
    expect(container.readOnlyRootFilesystem).toBe(true);
    expect(container.allowPrivilegeEscalation).toBe(false);
    expect(container.capabilities?.drop).toContain('ALL');
    expect(container.capabilities?.add ?? []).toEqual([]);
    expect((container.seccompProfile ?? pod.seccompProfile)?.type).toBe('RuntimeDefault');
  });

  it('lets the pod stop for longer than shutdown.drainDelay + shutdown.grace, so a drain is never cut short by SIGKILL', () => {
    const { objects, deployment } = shape.render();
    const config = effectiveConfig(objects, deployment);
    const granted = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30; // the Kubernetes default
    expect(granted).toBeGreaterThan(seconds(config.shutdown.drainDelay + config.shutdown.grace));
  });

  it('runs the image of this version of wakegate', () => {
    const { deployment } = shape.render();
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(wakegateContainer(deployment).image).toBe(`ghcr.io/wakegate/wakegate:${version}`);
  });

  it("binds wakegate's ClusterRole and lease Role to the ServiceAccount its pod runs as", () => {
    const { objects, deployment } = shape.render();
    const account = { kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: deployment.metadata.namespace };
    expect(account.name, 'the pod names its ServiceAccount').toBeDefined();
    const bindings = [...ofKind(objects, 'ClusterRoleBinding'), ...ofKind(objects, 'RoleBinding')] as (KubeObject & {
      roleRef: { kind: string; name: string };
      subjects?: { kind: string; name: string; namespace?: string }[];
    })[];
    const boundRoles = bindings.filter((binding) => binding.subjects?.some((subject) => subject.kind === account.kind && subject.name === account.name && subject.namespace === account.namespace)).map((binding) => `${binding.roleRef.kind}/${binding.roleRef.name}`);
    expect(boundRoles.sort()).toEqual(['ClusterRole/wakegate', 'Role/wakegate-sleeper-lease']);
    const lease = bindings.find((binding) => binding.roleRef.kind === 'Role');
    expect(lease?.metadata?.namespace, 'the lease Role is bound in the namespace wakegate runs in').toBe(account.namespace);
    expect(named(objects, 'Role', 'wakegate-sleeper-lease').metadata?.namespace).toBe(account.namespace);
  });

  it('grants no wildcard, no delete, nothing on Secrets and no non-resource URL', () => {
    const { objects } = shape.render();
    const granted = grantedRules(objects);
    expect(granted.length).toBeGreaterThan(0);
    for (const rule of granted) {
      const id = `${rule.role}: ${rule.apiGroup || 'core'}/${rule.resource} ${rule.verb}`;
      expect([rule.apiGroup, rule.resource, rule.verb], id).not.toContain('*');
      expect(['delete', 'deletecollection', 'escalate', 'bind', 'impersonate'], id).not.toContain(rule.verb);
      expect(rule.resource, id).not.toMatch(/^(secrets|nonResourceURL:)/);
    }
  });

  it('keeps the sleeper Lease in the namespace where the lease Role is bound, and names each replica by its pod', () => {
    const { objects, deployment } = shape.render();
    const config = effectiveConfig(objects, deployment);
    expect(config.kubernetes.leaseNamespace).toBe(deployment.metadata.namespace);
    expect(named(objects, 'RoleBinding', 'wakegate-sleeper-lease').metadata?.namespace).toBe(config.kubernetes.leaseNamespace);
    expect(config.kubernetes.identity).toMatch(new RegExp(`^${deployment.metadata.name}-`));
  });

  it('publishes the proxy port, and never the admin port, outside the cluster', () => {
    const { objects, deployment } = shape.render();
    const config = effectiveConfig(objects, deployment);
    const container = wakegateContainer(deployment);
    const podLabels = deployment.spec.template.metadata?.labels ?? {};
    const selectsPod = (service: Service): boolean =>
      service.metadata.namespace === deployment.metadata.namespace &&
      Object.entries(service.spec.selector ?? { none: true }).every(([key, value]) => podLabels[key] === value);
    const exposed = ofKind<Service>(objects, 'Service').filter((service) => selectsPod(service) && ['LoadBalancer', 'NodePort'].includes(service.spec.type ?? 'ClusterIP'));
    expect(exposed.length > 0).toBe(shape.loadBalancer);
    for (const service of exposed) {
      const targets = service.spec.ports.map((port) => resolvePort(container, port.targetPort ?? port.port));
      expect(targets, `${service.metadata.name} publishes the admin port`).not.toContain(config.admin.listen.port);
      expect(service.spec.ports.find((port) => port.port === 80)?.targetPort, `${service.metadata.name} :80`).toBeDefined();
      expect(resolvePort(container, service.spec.ports.find((port) => port.port === 80)?.targetPort)).toBe(config.listen.port);
    }
  });
});

describe('manifests/base', () => {
  it('runs two replicas spread over nodes, with a PodDisruptionBudget keeping one', () => {
    const objects = rendered('manifests/base');
    const deployment = named<Deployment>(objects, 'Deployment', 'wakegate');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual(
      expect.arrayContaining([expect.objectContaining({ topologyKey: 'kubernetes.io/hostname' })]),
    );
    const budget = named<KubeObject & { spec: { minAvailable?: number; selector: { matchLabels: Record<string, string> } } }>(objects, 'PodDisruptionBudget', 'wakegate');
    expect(budget.spec.minAvailable).toBe(1);
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  it('serves http 80 → the proxy port and admin 9090 → the admin port inside the cluster', () => {
    const objects = rendered('manifests/base');
    const container = wakegateContainer(named<Deployment>(objects, 'Deployment', 'wakegate'));
    const service = named<Service>(objects, 'Service', 'wakegate');
    const byName = Object.fromEntries(service.spec.ports.map((port) => [port.name, { port: port.port, target: resolvePort(container, port.targetPort) }]));
    expect(byName).toEqual({ http: { port: 80, target: 8080 }, admin: { port: 9090, target: 9090 } });
  });

  it('grants the Kubernetes provider exactly the calls of its modules (see the comments in rbac/)', () => {
    const granted = grantedRules(rendered('manifests/base')).map(
      (rule) => `${rule.role} ${rule.apiGroup || 'core'}/${rule.resource}${rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : ''} ${rule.verb}`,
    );
    const cluster = (triples: string): string[] => triples.split('\n').map((triple) => `ClusterRole/wakegate ${triple.trim()}`);
    expect(granted.sort()).toEqual(
      [
        // cluster-cache.ts
        ...cluster(`core/namespaces list
          core/namespaces watch
          core/services list
          core/services watch
          apps/deployments list
          apps/deployments watch
          apps/statefulsets list
          apps/statefulsets watch
          discovery.k8s.io/endpointslices list
          discovery.k8s.io/endpointslices watch
          networking.k8s.io/ingresses list
          networking.k8s.io/ingresses watch`),
        // kubernetes-provider.ts: the Pods of a waking namespace
        ...cluster(`core/pods list
          core/pods watch`),
        // scaler.ts
        ...cluster(`apps/deployments/scale get
          apps/deployments/scale update
          apps/deployments/scale patch
          apps/statefulsets/scale get
          apps/statefulsets/scale update
          apps/statefulsets/scale patch
          apps/deployments patch
          apps/statefulsets patch`),
        // activity-publisher.ts, cronjobs.ts, kube-events.ts
        ...cluster(`core/namespaces patch
          batch/cronjobs list
          batch/cronjobs patch
          core/events create`),
        // leader-lease.ts
        'Role/wakegate-sleeper-lease coordination.k8s.io/leases create',
        'Role/wakegate-sleeper-lease coordination.k8s.io/leases[wakegate-sleeper] get',
        'Role/wakegate-sleeper-lease coordination.k8s.io/leases[wakegate-sleeper] update',
      ].sort(),
    );
  });
});

describe(SIDECAR_DIR, () => {
  it('adds wakegate beside the controller and leaves the controller container as it was', () => {
    const controller = named<Deployment>(ingressNginxWithSidecar(), 'Deployment', 'ingress-nginx-controller');
    const original = named<Deployment>(parseObjects(readFileSync(fixture('ingress-nginx-deployment.yaml'), 'utf8'), 'fixture'), 'Deployment', 'ingress-nginx-controller');
    expect(controller.spec.template.spec.containers.map((container) => container.name).sort()).toEqual(['controller', 'wakegate']);
    expect(controller.spec.template.spec.containers.find((container) => container.name === 'controller')).toEqual(original.spec.template.spec.containers[0]);
    expect(controller.spec.template.spec.volumes?.map((volume) => volume.name).sort()).toEqual(['wakegate-config', 'wakegate-tmp', 'webhook-cert']);
  });

  it("sends the controller Service's plain-HTTP port to wakegate and leaves https with nginx", () => {
    const objects = ingressNginxWithSidecar();
    const pod = named<Deployment>(objects, 'Deployment', 'ingress-nginx-controller').spec.template.spec;
    const owner = (target: string | number | undefined): string | undefined =>
      pod.containers.find((container) => container.ports?.some((port) => port.name === target || port.containerPort === target))?.name;
    const ports = named<Service>(objects, 'Service', 'ingress-nginx-controller').spec.ports;
    expect(owner(ports.find((port) => port.port === 80)?.targetPort)).toBe('wakegate');
    expect(owner(ports.find((port) => port.port === 443)?.targetPort)).toBe('controller');
  });

  it('patches the same way with `kubectl patch` as inside a kustomization', () => {
    const viaKustomize = ingressNginxWithSidecar();
    const deployment = kubectlPatchLocal(fixture('ingress-nginx-deployment.yaml'), sidecarPatch('deployment.yaml'));
    const service = kubectlPatchLocal(fixture('ingress-nginx-service.yaml'), sidecarPatch('service.yaml'));
    expect(deployment).toEqual(named(viaKustomize, 'Deployment', 'ingress-nginx-controller'));
    expect(service).toEqual(named(viaKustomize, 'Service', 'ingress-nginx-controller'));
  });
});

describe('manifests/examples/dev-namespace.yaml', () => {
  const KNOWN = new Set([
    'wakegate.io/enabled',
    'wakegate.io/idle-after',
    'wakegate.io/last-activity',
    'wakegate.io/phase',
    'wakegate.io/sleep-replicas',
    'wakegate.io/wake-order',
    'wakegate.io/ignore',
    'wakegate.io/keep-awake-until',
    'wakegate.io/suspend-cronjobs',
  ]);
  const objects = (): KubeObject[] => parseObjects(readFileSync(join(REPO, 'manifests/examples/dev-namespace.yaml'), 'utf8'), 'dev-namespace.yaml');

  it('is an enabled environment namespace whose objects all live in it, with string-valued wakegate.io keys from the contract', () => {
    const all = objects();
    const namespace = ofKind(all, 'Namespace');
    expect(namespace).toHaveLength(1);
    expect(namespace[0]?.metadata?.labels?.['wakegate.io/enabled']).toBe('true');
    for (const object of all) {
      expect(typeof object.apiVersion === 'string' && typeof object.kind === 'string' && typeof object.metadata?.name === 'string').toBe(true);
      if (object.kind !== 'Namespace') expect(object.metadata?.namespace).toBe(namespace[0]?.metadata?.name);
      for (const [key, value] of Object.entries({ ...object.metadata?.labels, ...object.metadata?.annotations })) {
        expect(typeof value, `${String(object.metadata?.name)}: ${key}`).toBe('string');
        if (key.startsWith('wakegate.io/')) expect(KNOWN.has(key), `${key} is not in ARCHITECTURE.md §4`).toBe(true);
      }
    }
  });

  it('routes its Ingress to a Service and port defined beside it', () => {
    const all = objects();
    type Ingress = KubeObject & { spec: { rules: { http: { paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[] } };
    const backends = ofKind<Ingress>(all, 'Ingress').flatMap((ingress) => ingress.spec.rules.flatMap((rule) => rule.http.paths.map((path) => path.backend.service)));
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) {
      const service = named<Service>(all, 'Service', backend.name);
      expect(service.spec.ports.some((port) => port.name === backend.port.name || port.port === backend.port.number)).toBe(true);
    }
  });
});
