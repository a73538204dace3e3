export { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions, type RequestRecord, type ServedDocument } from './server.js';
export { Store, StoreError, type Change, type ChangeType, type KubeObject, type ObjectMeta, type OwnerReference, type Resource } from './store.js';
export { Faults, type FailureFilter } from './faults.js';
export type { KubeConfigOptions } from './kubeconfig.js';
export { objectsOfYaml, seedFromFiles, SeedError } from './seed.js';
export { RESOURCES, type ResourceInfo } from './resources.js';
