/**
 * Names, hashes and ids the way the controllers make them: `rand.String` and `rand.SafeEncodeString`
 * draw from an alphabet without vowels or look-alikes (k8s.io/apimachinery `util/rand`), so generated
 * names never spell words: ReplicaSet `web-7d9f8c6b5`, Pod `web-7d9f8c6b5-x2kqz`, slice `web-b8k2f`.
 */
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `n` random characters of the controllers' alphabet (a Pod's or EndpointSlice's suffix). */
export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/**
 * A stable hash of `value` as the controllers spell it — the `pod-template-hash` of a Deployment's
 * template, the revision suffix of a StatefulSet's: the decimal FNV-32a hash run through
 * `rand.SafeEncodeString`, hence names like `web-7d9f8c6b5b` (there the hash is of the Go object;
 * here of its JSON, which is as stable). Same template, same hash.
 */
export function templateHash(value: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(value ?? null))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((digit) => ALPHABET[digit.charCodeAt(0) % ALPHABET.length]).join('');
}

/** A UUID derived from `seed`: the uid of an object the store does not hold (a ReplicaSet). */
export function derivedUid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `containerd://` plus 64 hex digits, as the container runtime reports a container's id. */
export function containerId(seed: string): string {
  return `containerd://${createHash('sha256').update(seed).digest('hex')}`;
}

/** `sha256:` digest of an image reference, for `imageID`. */
export function imageDigest(image: string): string {
  return `sha256:${createHash('sha256').update(image).digest('hex')}`;
}

/** RFC 3339 without fraction, as the API server emits `metav1.Time` (CONTRACT §7). */
export function timestamp(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
