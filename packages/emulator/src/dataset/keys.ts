import { createHash } from 'node:crypto';

/** A UUID-shaped key derived from a seed and a label (deterministic, not secret-grade). */
export function deriveKey(seed: number, label: string): string {
  const h = createHash('sha256').update(`cytorx-emulator:${seed}:${label}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
