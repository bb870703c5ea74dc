// Timing helpers shared by the benchmarks.
import { readFileSync } from 'node:fs';

/** The median of numbers (the upper one of an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

/** Median wall-clock and CPU (user + system) seconds of `runs` calls after `warmup` calls. */
export function time(fn, runs, warmup) {
  for (let i = 0; i < warmup; i++) fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push((performance.now() - t) / 1000);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Peak resident set size of this process in MB (VmHWM on Linux). */
export function peakRssMB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
