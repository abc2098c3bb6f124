/**
 * Summarises a V8 .cpuprofile written by the server under `node --cpu-prof`, restricted to the measured
 * load window (profile timestamps and process.hrtime are both CLOCK_MONOTONIC µs, so the bench's window
 * applies to the server's samples). Frames in the esbuild bundle are named by the source file of the
 * `// packages/...` region comment that esbuild puts before each module.
 *
 *   node --import tsx bench/profile.ts FILE.cpuprofile [startUs endUs]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Line (0-based) → source module of the bundle, from esbuild's `// path` region comments. */
function bundleModules(bundleUrl: string | undefined): (line: number) => string {
  let lines: string[] = [];
  try {
    lines = readFileSync(bundleUrl ? fileURLToPath(bundleUrl) : '', 'utf8').split('\n');
  } catch {
    return () => 'dist/cli.mjs';
  }
  const starts: { line: number; file: string }[] = [];
  lines.forEach((text, i) => {
    const m = /^\/\/ ((packages|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(text);
    if (m) starts.push({ line: i, file: m[1]! });
  });
  return (line) => {
    let file = 'dist/cli.mjs';
    for (const s of starts) {
      if (s.line > line) break;
      file = s.file;
    }
    return file.replace(/^packages\//, '');
  };
}

function area(frame: CallFrame, moduleOf: (line: number) => string): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`;
  if (url.endsWith('/dist/cli.mjs')) return `mlflow-ts ${moduleOf(frame.lineNumber).split('/src/')[0]}`;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

function frameName(frame: CallFrame, moduleOf: (line: number) => string): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  const where = frame.url.endsWith('/dist/cli.mjs')
    ? moduleOf(frame.lineNumber)
    : frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
  return `${fn} ${where}:${frame.lineNumber + 1}`;
}

type Table = Map<string, number>;
const add = (t: Table, k: string, v: number) => t.set(k, (t.get(k) ?? 0) + v);

export function summarizeProfile(file: string, window?: [number, number], top = 18): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const bundleUrl = profile.nodes.find((n) => n.callFrame.url.endsWith('/dist/cli.mjs'))?.callFrame.url;
  const moduleOf = bundleModules(bundleUrl);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self: Table = new Map();
  const total: Table = new Map();
  const areas: Table = new Map();
  let t = profile.startTime;
  let covered = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (window && (t < window[0] || t > window[1])) continue;
    const node = byId.get(profile.samples[i]!)!;
    covered += dt;
    add(self, frameName(node.callFrame, moduleOf), dt);
    add(areas, area(node.callFrame, moduleOf), dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id)!.callFrame, moduleOf);
      if (!seen.has(name)) {
        seen.add(name);
        add(total, name, dt);
      }
    }
  }
  const pct = (v: number) => `${((v / Math.max(1, covered)) * 100).toFixed(1).padStart(5)} %`;
  const list = (title: string, table: Table, n: number) =>
    [
      title,
      ...[...table]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, v]) => `  ${pct(v)}  ${k}`),
    ].join('\n');
  const busy = covered - (self.get('(idle)') ?? 0);
  return [
    `profile ${file}: ${(covered / 1e6).toFixed(1)} s sampled, main thread busy ${pct(busy).trim()}`,
    list('self time by area:', areas, 12),
    list('self time by function:', self, top),
    list('inclusive time:', total, top + 12),
  ].join('\n');
}

/**
 * Summarises a bench/sql-trace.mjs dump: wall time per statement inside the window (whole seconds only),
 * as a share of the window, with calls per second and mean time per call.
 */
export function summarizeSqlTrace(file: string, window: [number, number], top = 15): string {
  const trace = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    Record<string, [number, number, number?, number?]>
  >;
  const first = Math.ceil(window[0] / 1e6);
  const last = Math.floor(window[1] / 1e6) - 1;
  const seconds = Math.max(1, last - first + 1);
  const rows: { key: string; calls: number; ns: number; max: number; slow: number }[] = [];
  for (const [key, buckets] of Object.entries(trace)) {
    let calls = 0;
    let ns = 0;
    let max = 0;
    let slow = 0;
    for (const [second, [c, n, m = 0, s = 0]] of Object.entries(buckets)) {
      if (Number(second) >= first && Number(second) <= last) {
        calls += c;
        ns += n;
        max = Math.max(max, m);
        slow += s;
      }
    }
    if (calls > 0) rows.push({ key, calls, ns, max, slow });
  }
  rows.sort((a, b) => b.ns - a.ns);
  const all = rows.reduce((a, r) => a + r.ns, 0);
  const lines = rows.slice(0, top).map((r) => {
    const share = ((r.ns / 1e9 / seconds) * 100).toFixed(1).padStart(5);
    const perS = (r.calls / seconds).toFixed(0).padStart(6);
    const mean = (r.ns / r.calls / 1e3).toFixed(1).padStart(8);
    const max = (r.max / 1e6).toFixed(1).padStart(6);
    const slow = String(r.slow).padStart(4);
    return `  ${share} %  ${perS}/s  ${mean} µs  ${max} ms ${slow}  ${r.key.slice(0, 140)}`;
  });
  return [
    `SQL time over ${seconds} s of the window: ${((all / 1e9 / seconds) * 100).toFixed(1)} % of wall clock ` +
      '(share of wall clock, calls/s, mean per call, slowest call, calls over 10 ms, statement):',
    ...lines,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, start, end] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile.ts FILE.cpuprofile [startUs endUs]');
  console.log(summarizeProfile(file, start && end ? [Number(start), Number(end)] : undefined));
}
