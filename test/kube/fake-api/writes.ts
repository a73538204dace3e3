/**
 * POST, PUT, PATCH and DELETE on resources and their `/scale` and `/status` subresources
 * (CONTRACT §7). Writes to the main resource keep the stored `status` of kinds with a status
 * subresource; PUT preconditions follow each kind's strategy (Deployment: unconditional update
 * allowed; Lease: resourceVersion required → 422, PUT creates a missing Lease).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, conflict, notFound, StoreError, unsupportedMediaType } from './errors.js';
import { isObject, mediaType, parseJson, wireObject } from './http-util.js';
import { applyJsonPatch, applyMergePatch } from './patch.js';
import { apiVersionOf } from './resources.js';
import type { ResourceTarget } from './routes.js';
import { scaleOf, writeScale } from './scale.js';
import { generatedName, type KubeObject, type Store } from './store.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { checkEvent, checkMicroTimes } from './validation.js';
import { checkFields } from './field-validation.js';

export const PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;
const BODY_MEDIA_TYPES = ['application/json', 'application/yaml'];

/** `warnings` go out as `Warning: 299 - "…"` headers (unknown fields under `fieldValidation=Warn`). */
export interface WriteResult { readonly status: number; readonly body: unknown; readonly warnings?: readonly string[] }

/** Decodes a POST/PUT body. Protobuf is not decoded: kubectl's imperative `create namespace|deployment` send it (CONTRACT §14). */
function decodeObject(req: IncomingMessage, body: Buffer): unknown {
  const type = mediaType(req);
  if (type === '' || type === 'application/json') return parseJson(body, 'couldn\'t get version/kind; json parse error');
  if (type === 'application/yaml') {
    try { return parseYaml(body.toString('utf8')) as unknown; } catch (error) { throw badRequest(`yaml: ${(error as Error).message}`); }
  }
  const error = unsupportedMediaType(type, BODY_MEDIA_TYPES);
  if (type === 'application/vnd.kubernetes.protobuf') {
    throw new StoreError(415, 'UnsupportedMediaType', `${error.message}; Protobuf request bodies are not supported by this fake API server (kubectl create namespace/deployment send them): use kubectl create -f or kubectl apply -f with a manifest`, {});
  }
  throw error;
}

/** Fills kind/apiVersion/namespace from the URL and rejects bodies that name another object. */
function normalize(target: ResourceTarget, value: unknown, name: string | undefined): KubeObject {
  if (!isObject(value)) throw badRequest('Object \'Kind\' is missing in \'null\'');
  const object = value as KubeObject;
  const apiVersion = apiVersionOf(target.info);
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`);
  if (object.kind !== undefined && object.kind !== target.info.kind) throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${target.info.kind})`);
  const metadata = isObject(object.metadata) ? object.metadata : {};
  if (target.namespace !== undefined) {
    if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== target.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    metadata.namespace = target.namespace;
  }
  if (name !== undefined && metadata.name !== name) throw badRequest(`the name of the object (${String(metadata.name ?? '')}) does not match the name on the URL (${name})`);
  return { ...object, apiVersion, kind: target.info.kind, metadata };
}

function validate(target: ResourceTarget, object: KubeObject): void {
  checkMicroTimes(target.resource, object);
  if (target.resource === 'events') checkEvent(object);
}

/** Status a new object starts with when the kind has a status subresource (registry `PrepareForCreate`). */
function initialStatus(target: ResourceTarget, object: KubeObject): void {
  switch (target.resource) {
    case 'deployments': case 'statefulsets': case 'cronjobs': object.status = {}; break;
    case 'services': case 'ingresses': object.status = { loadBalancer: {} }; break;
    case 'pods': object.status = { phase: 'Pending' }; break;
    default: break;
  }
}

/** The name is generated before validation, as the registry does (CONTRACT §7 Event create). */
function create(store: Store, target: ResourceTarget, object: KubeObject): WriteResult {
  const { name, generateName } = object.metadata;
  if ((name === undefined || name === '') && typeof generateName === 'string' && generateName !== '') object.metadata.name = generatedName(generateName);
  validate(target, object);
  initialStatus(target, object);
  return { status: 201, body: wireObject(store.create(target.resource, object)) };
}

/** Saves a full new state of the main resource or of its `/status`. */
function save(store: Store, target: ResourceTarget, current: KubeObject, next: KubeObject, options: { requireResourceVersion: boolean }): KubeObject {
  if (target.subresource === 'status') {
    next = { ...current, status: next.status, metadata: { ...current.metadata, resourceVersion: next.metadata.resourceVersion } };
  } else if (target.info.statusSubresource) {
    if (current.status === undefined) delete next.status;
    else next.status = current.status;
  }
  validate(target, next);
  return store.update(target.resource, next, options);
}

function checkSubresource(target: ResourceTarget): void {
  const sub = target.subresource;
  if (sub === undefined || (sub === 'status' && target.info.statusSubresource) || (sub === 'scale' && target.info.scaleSubresource)) return;
  throw new StoreError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Unknown fields of a request's object, per its `fieldValidation` (default Warn). */
function fieldsOf(query: URLSearchParams, object: unknown, apiVersion: string, kind: string, decodedBody = true): string[] {
  return isObject(object) ? checkFields(query.get('fieldValidation'), object, apiVersion, kind, decodedBody) : [];
}

export function postObject(store: Store, target: ResourceTarget, req: IncomingMessage, body: Buffer, query: URLSearchParams): WriteResult {
  if (target.name !== undefined || (target.info.namespaced && target.namespace === undefined)) throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  const object = normalize(target, decodeObject(req, body), undefined);
  const warnings = fieldsOf(query, object, object.apiVersion, object.kind);
  return { ...create(store, target, object), warnings };
}

export function putObject(store: Store, target: ResourceTarget, req: IncomingMessage, body: Buffer, query: URLSearchParams): WriteResult {
  checkSubresource(target);
  const name = target.name ?? '';
  const namespace = target.namespace;
  const decoded = decodeObject(req, body);
  if (target.subresource === 'scale') {
    const warnings = fieldsOf(query, decoded, 'autoscaling/v1', 'Scale');
    return { status: 200, body: writeScale(store, target.resource, namespace ?? '', name, decoded), warnings };
  }
  const object = normalize(target, decoded, name);
  const warnings = fieldsOf(query, object, object.apiVersion, object.kind);
  const current = store.get(target.resource, namespace, name);
  if (current === undefined) {
    if (target.info.allowCreateOnUpdate && target.subresource === undefined) return { ...create(store, target, object), warnings };
    throw notFound(target.resource, name);
  }
  const saved = save(store, target, current, object, { requireResourceVersion: !target.info.allowUnconditionalUpdate });
  return { status: 200, body: wireObject(saved), warnings };
}

function decodePatch(type: string, body: Buffer): unknown {
  if (type === 'application/apply-patch+yaml') {
    try { return parseYaml(body.toString('utf8')) as unknown; } catch (error) { throw badRequest(`error decoding YAML: ${(error as Error).message}`); }
  }
  return parseJson(body, 'error decoding patch');
}

function patched(type: string, current: KubeObject, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json': return applyJsonPatch(current, patch);
    case 'application/merge-patch+json': return applyMergePatch(current, patch);
    // Server-side apply without field management: the applied configuration is merged into the live object.
    case 'application/apply-patch+yaml':
    case 'application/strategic-merge-patch+json': return applyStrategicMergePatch(current, patch, current.apiVersion, current.kind);
    default: throw new Error(`unreachable patch type ${type}`);
  }
}

export function patchObject(store: Store, target: ResourceTarget, req: IncomingMessage, body: Buffer, query: URLSearchParams): WriteResult {
  checkSubresource(target);
  const type = mediaType(req);
  if (!(PATCH_MEDIA_TYPES as readonly string[]).includes(type)) throw unsupportedMediaType(type, PATCH_MEDIA_TYPES);
  const patch = decodePatch(type, body);
  const name = target.name ?? '';
  const current = store.get(target.resource, target.namespace, name);
  if (type === 'application/apply-patch+yaml') {
    if (!isObject(patch) || typeof patch.apiVersion !== 'string' || typeof patch.kind !== 'string') throw badRequest('apiVersion and kind must be set in an apply patch');
    if (current === undefined && target.subresource === undefined) {
      const object = normalize(target, structuredClone(patch), name);
      const warnings = fieldsOf(query, object, object.apiVersion, object.kind);
      return { ...create(store, target, object), warnings };
    }
  }
  if (current === undefined) throw notFound(target.resource, name);
  if (target.subresource === 'scale') {
    const scale = patched(type, scaleOf(current), patch);
    const warnings = fieldsOf(query, scale, 'autoscaling/v1', 'Scale', false);
    return { status: 200, body: writeScale(store, target.resource, target.namespace ?? '', name, scale), warnings };
  }
  const next = normalize(target, patched(type, wireObject(current), patch), name);
  const warnings = fieldsOf(query, next, next.apiVersion, next.kind, false);
  return { status: 200, body: wireObject(save(store, target, current, next, { requireResourceVersion: false })), warnings };
}

const PROPAGATION_POLICIES = new Set(['Orphan', 'Background', 'Foreground']);

/** DELETE with optional DeleteOptions (preconditions, propagationPolicy); the response is a Success Status. */
export function deleteObject(store: Store, target: ResourceTarget, body: Buffer): WriteResult {
  if (target.name === undefined || target.subresource !== undefined) throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  const options = body.length === 0 ? {} : parseJson(body, 'couldn\'t get version/kind; json parse error');
  const { propagationPolicy, preconditions } = (isObject(options) ? options : {}) as { propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } };
  if (propagationPolicy !== undefined && !PROPAGATION_POLICIES.has(propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const current = store.get(target.resource, target.namespace, target.name);
  if (current === undefined) throw notFound(target.resource, target.name);
  if (preconditions?.uid !== undefined && preconditions.uid !== current.metadata.uid) {
    throw conflict(target.resource, target.name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(target.resource, target.name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion ?? ''}`);
  }
  const deleted = store.delete(target.resource, target.namespace, target.name);
  const details: Record<string, unknown> = { name: target.name };
  if (target.info.group !== '') details.group = target.info.group;
  details.kind = target.resource;
  details.uid = deleted.metadata.uid;
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
}
