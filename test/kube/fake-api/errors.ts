/**
 * API errors and their Status bodies (CONTRACT §8). A `StoreError` carries exactly what
 * `ErrorToAPIStatus` would put on the wire; `statusBody` renders it with the Go field order
 * (`kind, apiVersion, metadata, status, message, reason, details, code`).
 */
import { infoOf, qualifiedName, type Resource } from './resources.js';

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusDetails { name?: string; group?: string; kind?: string; uid?: string; causes?: unknown[]; retryAfterSeconds?: number }

export class StoreError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusDetails) {
    super(message);
    this.name = 'StoreError';
  }
}

/** StatusDetails as `NewNotFound`/`NewConflict` fill them: plural resource as kind, group omitted for core. */
function resourceDetails(resource: Resource, name: string): StatusDetails {
  const info = infoOf(resource);
  return info.group === '' ? { name, kind: resource } : { name, group: info.group, kind: resource };
}

export function notFound(resource: Resource, name: string): StoreError {
  return new StoreError(404, 'NotFound', `${qualifiedName(infoOf(resource))} "${name}" not found`, resourceDetails(resource, name));
}

export function alreadyExists(resource: Resource, name: string): StoreError {
  return new StoreError(409, 'AlreadyExists', `${qualifiedName(infoOf(resource))} "${name}" already exists`, resourceDetails(resource, name));
}

export function conflict(resource: Resource, name: string, reason = 'the object has been modified; please apply your changes to the latest version and try again'): StoreError {
  return new StoreError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(infoOf(resource))} "${name}": ${reason}`, resourceDetails(resource, name));
}

/**
 * `NewInvalid(GroupKind, name, errs)`: message `<Kind>[.<group>] "<name>" is invalid: <field errors>`,
 * details.kind is the Kind (not the plural), one cause per field error.
 */
export function invalid(resource: Resource, name: string, causes: Required<StatusCause>[]): StoreError {
  const info = infoOf(resource);
  const groupKind = info.group === '' ? info.kind : `${info.kind}.${info.group}`;
  const errors = causes.map((c) => `${c.field}: ${c.message}`);
  const aggregate = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  const details: StatusDetails = info.group === '' ? { name, kind: info.kind } : { name, group: info.group, kind: info.kind };
  details.causes = causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field }));
  return new StoreError(422, 'Invalid', `${groupKind} "${name}" is invalid: ${aggregate}`, details);
}

export function badRequest(message: string): StoreError {
  return new StoreError(400, 'BadRequest', message);
}

export function forbidden(resource: Resource, subresource: string | undefined, name: string | undefined, verb: string, namespace: string | undefined, user: string): StoreError {
  const info = infoOf(resource);
  const target = name === undefined ? qualifiedName(info) : `${qualifiedName(info)} "${name}"`;
  const scope = namespace === undefined || namespace === '' ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const full = subresource === undefined ? resource : `${resource}/${subresource}`;
  const details: StatusDetails = { ...(name === undefined ? {} : { name }), ...(info.group === '' ? {} : { group: info.group }), kind: resource };
  return new StoreError(403, 'Forbidden', `${target} is forbidden: User "${user}" cannot ${verb} resource "${full}" in API group "${info.group}" ${scope}`, details);
}

export function expired(message: string): StoreError {
  return new StoreError(410, 'Expired', message);
}

export function internalError(message: string): StoreError {
  return new StoreError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): StoreError {
  return new StoreError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {});
}

/** The Status object for an error (CONTRACT §8), as a plain object in Go field order. */
export function statusObject(error: StoreError): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: error.message, reason: error.reason };
  if (error.details !== undefined) {
    const d = error.details;
    const details: Record<string, unknown> = {};
    if (d.name !== undefined && d.name !== '') details.name = d.name;
    if (d.group !== undefined && d.group !== '') details.group = d.group;
    if (d.kind !== undefined && d.kind !== '') details.kind = d.kind;
    if (d.uid !== undefined && d.uid !== '') details.uid = d.uid;
    if (d.causes !== undefined && d.causes.length > 0) details.causes = d.causes;
    if (d.retryAfterSeconds !== undefined && d.retryAfterSeconds > 0) details.retryAfterSeconds = d.retryAfterSeconds;
    body.details = details;
  }
  body.code = error.code;
  return body;
}
