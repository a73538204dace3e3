/**
 * Pod IPs on loopback. Linux routes all of 127.0.0.0/8 to `lo`, so every pod can have its own
 * address, like a pod IP, and every pod of a Service can listen on the same container port.
 *
 * Addresses come from 127.0.1.1–127.0.255.254 (127.0.0.x is left to ordinary local servers). One pool
 * per process, shared by every kubelet in it; each process starts at an offset derived from its pid,
 * so that test workers running side by side rarely meet — and when they do, the pod process finds the
 * port taken and the kubelet moves the pod to the next free address before reporting its IP.
 */

const THIRD = 255; // 1..255
const FOURTH = 254; // 1..254
const SIZE = THIRD * FOURTH;

function addressAt(index: number): string {
  return `127.0.${1 + Math.floor(index / FOURTH)}.${1 + (index % FOURTH)}`;
}

export class AddressPool {
  readonly #inUse = new Set<string>();
  #next: number;

  constructor(start: number = (process.pid * 4099) % SIZE) {
    this.#next = start % SIZE;
  }

  /** A loopback address no live pod of this process holds; addresses are reused as late as possible. */
  allocate(): string {
    for (let tries = 0; tries < SIZE; tries++) {
      const address = addressAt(this.#next);
      this.#next = (this.#next + 1) % SIZE;
      if (!this.#inUse.has(address)) {
        this.#inUse.add(address);
        return address;
      }
    }
    throw new Error(`all ${SIZE} loopback pod addresses are in use`);
  }

  release(address: string): void {
    this.#inUse.delete(address);
  }

  get size(): number {
    return this.#inUse.size;
  }
}

/** The pool of this process. */
export const podAddresses = new AddressPool();
