import type { FloorResult } from './floor.js';
import type { Measured } from './load.js';
import type { SoakResult } from './memory.js';
import type { BenchOperation } from './operations.js';

export type ConfigName = 'shipped' | 'shipped-graphql-js' | 'loaders-only' | 'naive' | 'reference';
export type OperationName = BenchOperation['name'];

export interface HttpRow extends Measured {
  config: ConfigName;
  operation: OperationName;
  /** The sample response's data equals graphql-js's answer on the in-memory data. */
  sampleMatchesFloor: boolean;
}

export interface Ratio {
  name: string;
  value: number | null;
  target?: string;
  met?: boolean;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '∞');

export function formatTable(rows: HttpRow[], floor: FloorResult[]): string {
  const header = ['configuration', 'operation', 'req/s', 'p50 ms', 'p99 ms', 'AWS calls/req', 'requests', 'server CPU', 'emulator CPU', 'other CPU'];
  const pct = (n: number | undefined) => (n === undefined ? '-' : `${n}%`);
  const lines: string[][] = [
    ...rows.map((r) => [
      r.config,
      r.operation,
      fixed(r.requestsPerSec, 0),
      fixed(r.p50Ms, 1),
      fixed(r.p99Ms, 1),
      fixed(r.awsCallsPerRequest, 3),
      String(r.completed),
      pct(r.cpuPercent[r.config]),
      pct(r.cpuPercent.emulator),
      pct(r.cpuPercent['other processes']),
    ]),
    ...floor.map((f) => [
      'floor',
      f.operation,
      fixed(f.opsPerSec, 0),
      fixed(f.p50Ms, 3),
      fixed(f.p99Ms, 3),
      '-',
      String(f.executions),
      '100%',
      '-',
      '-',
    ]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

const find = (rows: HttpRow[], config: ConfigName, operation: OperationName) =>
  rows.find((r) => r.config === config && r.operation === operation);

const divide = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined ? null : b === 0 ? (a === 0 ? null : Infinity) : a / b;

/** The ratios issue 4 asks for, with its targets where it sets one. */
export function ratios(rows: HttpRow[], floor: FloorResult[], operations: OperationName[]): Ratio[] {
  const out: Ratio[] = [];
  const calls = (config: ConfigName) => find(rows, config, 'list')?.awsCallsPerRequest;
  const naiveOverShipped = divide(calls('naive'), calls('shipped'));
  const naiveOverLoaders = divide(calls('naive'), calls('loaders-only'));
  out.push({ name: 'AWS calls/request on list: naive ÷ shipped', value: naiveOverShipped, target: '≥ 50', met: naiveOverShipped === null ? undefined : naiveOverShipped >= 50 });
  out.push({ name: 'AWS calls/request on list: naive ÷ loaders-only', value: naiveOverLoaders, target: '≥ 50', met: naiveOverLoaders === null ? undefined : naiveOverLoaders >= 50 });
  for (const operation of operations) {
    const shipped = find(rows, 'shipped', operation)?.requestsPerSec;
    const reference = divide(shipped, find(rows, 'reference', operation)?.requestsPerSec);
    const atFloor = divide(shipped, floor.find((f) => f.operation === operation)?.opsPerSec);
    const headline = operation === 'list';
    out.push({
      name: `req/s on ${operation}: shipped ÷ reference`,
      value: reference,
      ...(headline ? { target: '≥ 2', met: reference === null ? undefined : reference >= 2 } : {}),
    });
    out.push({
      name: `req/s on ${operation}: shipped ÷ floor`,
      value: atFloor,
      ...(headline ? { target: '≥ 0.5', met: atFloor === null ? undefined : atFloor >= 0.5 } : {}),
    });
  }
  return out;
}

export function formatRatios(list: Ratio[]): string {
  const width = Math.max(...list.map((r) => r.name.length));
  return list
    .map((r) => {
      const value = r.value === null ? 'n/a' : `${fixed(r.value, 2)}×`;
      const target = r.target ? `  (target ${r.target}: ${r.met === undefined ? 'n/a' : r.met ? 'met' : 'NOT MET'})` : '';
      return `${r.name.padEnd(width)}  ${value.padStart(9)}${target}`;
    })
    .join('\n');
}

export function formatSoak(result: SoakResult): string {
  const series = result.samples
    .map((s) => `${String(s.atS).padStart(3)} s  rss ${s.rssMb.toFixed(1)} MB${s.heapUsedMb === undefined ? '' : `  heap used ${s.heapUsedMb.toFixed(1)} MB`}`)
    .join('\n');
  const growth =
    `growth from 5 s to the end: rss ${result.rssGrowthMb >= 0 ? '+' : ''}${result.rssGrowthMb.toFixed(1)} MB` +
    (result.heapGrowthMb === undefined ? '' : `, heap used ${result.heapGrowthMb >= 0 ? '+' : ''}${result.heapGrowthMb.toFixed(1)} MB`);
  return `${series}\n${growth} (memory read from ${result.source === 'metrics' ? 'GET /metrics' : '/proc/<pid>/status VmRSS'}; ` +
    `${result.load.completed} requests at ${result.load.requestsPerSec.toFixed(0)} req/s, ${result.load.non2xx + result.load.errors} failed)`;
}
