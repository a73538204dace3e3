/**
 * A process that runs a kubelet with real pods and then ends without closing it — by `process.exit`
 * or by being killed — for `exit-guard.test.ts`. Prints `{"pids":[…]}` once its pods are Ready.
 * Usage: node --import tsx exit-guard-child.ts exit|wait
 */
import { Store } from '../fake-api/store.js';
import { seedEnvironment } from '../fixtures/index.js';
import { startSimulatedKubelet } from './index.js';

const store = new Store();
const kubelet = startSimulatedKubelet(store, { startDelayMs: 10 });
seedEnvironment(store, { name: 'orphans', workloads: [{ name: 'web', replicas: 2 }] });
await kubelet.whenIdle();
process.stdout.write(`${JSON.stringify({ pids: kubelet.pods().map((pod) => pod.pid) })}\n`);
if (process.argv[2] === 'exit') process.exit(0);
// Otherwise wait to be killed, but never longer than 20 s.
setTimeout(() => process.exit(1), 20_000);
