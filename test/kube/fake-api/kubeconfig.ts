/**
 * Client configuration for the fake (CONTRACT §9, §14): plain HTTP needs `skipTLSVerify` in
 * client-node's options and `insecure-skip-tls-verify: true` (a YAML boolean) in a kubeconfig file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KubeConfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: boolean }[];
  users: { name: string; token?: string }[];
  contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  currentContext: string;
}

export function kubeConfigOptions(url: string, token: string | undefined): KubeConfigOptions {
  return {
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [token === undefined ? { name: 'fake-user' } : { name: 'fake-user', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake-user', namespace: 'default' }],
    currentContext: 'fake',
  };
}

/** Writes `<dir>/kubeconfig` and returns its path. */
export function writeKubeconfig(dir: string, url: string, token: string | undefined): string {
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake-user', user: token === undefined ? {} : { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake-user', namespace: 'default' } }],
    'current-context': 'fake',
    preferences: {},
  };
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, stringify(document), { mode: 0o600 });
  return path;
}
