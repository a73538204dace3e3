import { z } from 'zod';
import { fieldDocs } from './fields.js';
import { checkEnvironmentName, checkPathPrefix, environmentSchema } from './environment-schema.js';
import { checkRouteHost } from './network.js';

type AddIssue = (issue: { readonly path: (string | number)[]; readonly message: string; readonly input: unknown }) => void;

/**
 * Two entries may not share a name, and no host + path prefix may be claimed twice: either would make
 * routing depend on the order of the file. Runs even when some entries are invalid (so every problem is
 * listed at once); a value that failed its own check is reported there and skipped here. Checks are
 * re-run rather than trusting types because a failed field keeps its raw input.
 */
function checkUnique(entries: readonly unknown[], addIssue: AddIssue): void {
  const names = new Map<string, number>();
  const routes = new Map<string, { readonly index: number; readonly owner: string }>();
  entries.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const { name, hosts, paths } = entry as Record<string, unknown>;
    const label = typeof name === 'string' && checkEnvironmentName(name).ok ? name : null;
    if (label !== null) {
      const first = names.get(label);
      if (first === undefined) names.set(label, index);
      else addIssue({ path: [index, 'name'], input: name, message: `a name no other environment has (environments[${first}] is also named "${label}")` });
    }
    if (!isValidList(hosts, checkRouteHost) || !isValidList(paths, checkPathPrefix)) return;
    const owner = label ?? `environments[${index}]`;
    for (const host of hosts) {
      for (const path of paths) {
        const route = `${host} ${path}`;
        const claimant = routes.get(route);
        if (claimant === undefined) routes.set(route, { index, owner });
        else if (claimant.index !== index) {
          const message = `a host and path no other environment claims (host ${host}, path ${path} is claimed by both "${claimant.owner}" and "${owner}")`;
          addIssue({ path: [index, 'hosts'], input: hosts, message });
        }
      }
    }
  });
}

function isValidList(value: unknown, check: (text: string) => { readonly ok: boolean }): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && check(item).ok);
}

export const environmentsSchema = z
  .array(environmentSchema, { error: 'a list of environments' })
  .superRefine(
    (entries, ctx) => checkUnique(entries, (issue) => ctx.addIssue({ code: 'custom', ...issue })),
    { when: (payload) => Array.isArray(payload.value) },
  )
  .prefault([]);

fieldDocs.add(environmentsSchema, {
  description: 'Static and local environments and their routes; each entry is described below. From the environment, `WAKEGATE_ENVIRONMENTS` takes a JSON array and replaces the whole list.',
  expected: 'a list of environments',
  envKind: 'json',
  default: '[]',
  required: false,
});
