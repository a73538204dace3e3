/**
 * `npm run demo:kube`: wakegate's Kubernetes provider with no cluster.
 *
 * Starts the fake Kubernetes API server of the tests (plain HTTP on loopback, anonymous like a local
 * dev cluster) with the example dev namespaces of examples/kube/, a simulated kubelet that runs each
 * pod as a small HTTP process on its own loopback address, and wakegate serving examples/kube-demo.yaml
 * against it. Ctrl-C stops all of it; no process is left behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../src/main.js';
import { Store, startFakeApiServer } from '../test/kube/fake-api/index.js';
import { applyManifests, EXAMPLES } from '../test/kube/fixtures/index.js';
import { startSimulatedKubelet } from '../test/kube/kubelet/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = Number(process.env.FAKE_API_PORT ?? 0);

const store = new Store();
store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wakegate' } });
const api = await startFakeApiServer({ store, port: apiPort });
const namespaces: string[] = [];
for (const file of readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml')).sort()) {
  for (const object of applyManifests(store, path.join(EXAMPLES, file))) if (object.kind === 'Namespace') namespaces.push(object.metadata.name ?? '?');
}
const kubelet = startSimulatedKubelet(store, { startDelayMs: 800 });
const dir = mkdtempSync(path.join(tmpdir(), 'wakegate-demo-kube-'));
const kubeconfig = api.writeKubeconfig(dir);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await kubelet.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

await serve({
  configFile: path.join(ROOT, 'examples', 'kube-demo.yaml'),
  env: { ...process.env, WAKEGATE_KUBERNETES_KUBECONFIG: kubeconfig },
  exit: (code) => void stop(code),
  installSignalHandlers: true,
});

process.stdout.write(`
  fake Kubernetes API  ${api.url}   (namespaces: ${namespaces.join(', ')})
  kubeconfig           ${kubeconfig}

  Both environments are asleep (every workload at 0 replicas). Try:
    curl -i http://alice.preview.localhost:8080/          wakes alice-preview: api first, then web ×2
    open http://bob.preview.localhost:8080/ in a browser  a waiting page follows the wake
    kubectl --kubeconfig ${kubeconfig} get deploy,sts,pods -A -w
    npx wakegate status
  They go back to sleep after a minute without requests (bob-feature-x after 2). Ctrl-C stops everything.

`);
