import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** The owner a worker's leases carry: host and pid say whose they are; the random part tells two runs apart. */
export function workerId(tag = ''): string {
  return `${hostname()}:${process.pid}:${tag}${randomUUID().slice(0, 8)}`;
}
