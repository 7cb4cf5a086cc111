import type { FloorResult } from './floor.js';
import type { LoadToolTail } from './loadToolTail.js';
import type { SoakResult } from './memory.js';
import type { TracingOffResult } from './tracingOff.js';
import { divide, findMedian, type Comparison, type MedianRow, type OperationName, type PeerStanding } from './summary.js';

// What the run prints: the table of medians, the ratios issue 4 set targets for,
// the gateway against the peers, and the differences between builds with their
// spread over rounds.

export interface Ratio {
  name: string;
  value: number | null;
  target?: string;
  met?: boolean;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '∞');
const times = (n: number | null) => (n === null ? 'n/a' : `${fixed(n, 2)}×`);
/** A ratio as a difference in %, signed: 0.98 → "-2.0%". */
const percent = (n: number | null) => (n === null ? 'n/a' : !Number.isFinite(n) ? '∞' : `${n >= 1 ? '+' : ''}${((n - 1) * 100).toFixed(1)}%`);

/** Columns padded to their widest cell: the first `left` to the left, numbers to the right. */
function renderTable(header: string[], lines: string[][], left: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

export function formatTable(rows: MedianRow[], floor: FloorResult[]): string {
  const header = ['configuration', 'operation', 'req/s', 'range', 'p50 ms', 'p99 ms', 'server p50 ms', 'server p99 ms', 'AWS calls/req', 'requests', 'server CPU', 'emulator CPU', 'load CPU', 'kernel net', 'other CPU'];
  const pct = (n: number | undefined) => (n === undefined ? '-' : `${n}%`);
  // The range of req/s over rounds as ± half its width, in % of the median.
  const range = (r: MedianRow) => (r.rounds < 2 ? '-' : `±${(((r.requestsPerSecRange[1] - r.requestsPerSecRange[0]) / 2 / r.requestsPerSec) * 100).toFixed(1)}%`);
  return renderTable(
    header,
    [
      ...rows.map((r) => [
        r.config,
        r.operation,
        fixed(r.requestsPerSec, 0),
        range(r),
        fixed(r.p50Ms, 2),
        fixed(r.p99Ms, 2),
        r.serverP50Ms === undefined ? '-' : fixed(r.serverP50Ms, 3),
        r.serverP99Ms === undefined ? '-' : fixed(r.serverP99Ms, 3),
        fixed(r.awsCallsPerRequest, 3),
        String(Math.round(r.completed)),
        pct(r.cpuPercent[r.config]),
        pct(r.cpuPercent.emulator),
        pct(r.cpuPercent['load tool']),
        pct(r.cpuPercent['kernel networking']),
        pct(r.cpuPercent['other processes']),
      ]),
      ...floor.map((f) => ['floor', f.operation, fixed(f.opsPerSec, 0), '-', fixed(f.p50Ms, 3), fixed(f.p99Ms, 3), '-', '-', '-', String(f.executions), '-', '-', '100%', '-', '-']),
    ],
    2,
  );
}

/** The ratios issue 4 asks for, with its targets where it sets one, on the medians. */
export function ratios(rows: MedianRow[], floor: FloorResult[], operations: OperationName[]): Ratio[] {
  const out: Ratio[] = [];
  const calls = (config: 'naive' | 'shipped' | 'loaders-only') => findMedian(rows, config, 'list')?.awsCallsPerRequest;
  const naiveOverShipped = divide(calls('naive'), calls('shipped'));
  const naiveOverLoaders = divide(calls('naive'), calls('loaders-only'));
  out.push({ name: 'AWS calls/request on list: naive ÷ shipped', value: naiveOverShipped, target: '≥ 50', met: naiveOverShipped === null ? undefined : naiveOverShipped >= 50 });
  out.push({ name: 'AWS calls/request on list: naive ÷ loaders-only', value: naiveOverLoaders, target: '≥ 50', met: naiveOverLoaders === null ? undefined : naiveOverLoaders >= 50 });
  for (const operation of operations) {
    const shipped = findMedian(rows, 'shipped', operation)?.requestsPerSec;
    const reference = divide(shipped, findMedian(rows, 'reference', operation)?.requestsPerSec);
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
  return out.filter((r) => r.value !== null);
}

export function formatRatios(list: Ratio[]): string {
  const width = Math.max(...list.map((r) => r.name.length));
  return list
    .map((r) => {
      const target = r.target ? `  (target ${r.target}: ${r.met === undefined ? 'n/a' : r.met ? 'met' : 'NOT MET'})` : '';
      return `${r.name.padEnd(width)}  ${times(r.value).padStart(9)}${target}`;
    })
    .join('\n');
}

const spread = (c: Comparison) => `${times(c.min)}–${times(c.max)}`;

/** Each gateway ÷ the fastest peer (named) and ÷ each peer, with the per-round range; and its p99 ÷ p50. */
export function formatPeerStandings(standings: PeerStanding[]): string {
  const peers = standings[0]?.versus.map((c) => c.b) ?? [];
  const againstPeers = peers.length > 0 ? ['fastest peer', '÷ fastest', ...peers.map((p) => `÷ ${p} (rounds)`)] : [];
  const lines = standings.map((s) => {
    const fastest = s.versus.find((c) => c.b === s.fastestPeer);
    const cells = peers.length > 0 ? [s.fastestPeer ?? '-', times(fastest?.ratio ?? null), ...s.versus.map((c) => `${times(c.ratio)} (${spread(c)})`)] : [];
    return [s.gateway, s.operation, ...cells, times(s.p99OverP50), times(s.serverP99OverP50)];
  });
  return renderTable(['gateway', 'operation', ...againstPeers, 'p99 ÷ p50', 'server p99 ÷ p50'], lines, peers.length > 0 ? 3 : 2);
}

/** The load tool's p99 ÷ p50 on a server that does nothing, and that server's own. */
export function formatLoadToolTail({ load, server }: LoadToolTail): string {
  const own = server && server.count > 0 ? `; its own time per request p50 ${fixed(server.p50Ms, 3)} ms, p99 ${fixed(server.p99Ms, 3)} ms` : '';
  return (
    `${fixed(load.requestsPerSec, 0)} req/s, p50 ${fixed(load.p50Ms, 3)} ms, p99 ${fixed(load.p99Ms, 3)} ms: ` +
    `p99 ÷ p50 ${times(divide(load.p99Ms, load.p50Ms))}${own}`
  );
}

/**
 * Differences between builds on req/s, as % differences: the ratio of the medians;
 * the mean of the rounds' ratios (each between runs close in time, so the
 * machine's drift over minutes cancels out of it) with its 95% confidence
 * interval; the lowest and highest round. A difference is shown only where the
 * interval lies wholly on one side of zero.
 */
export function formatRefComparisons(comparisons: Comparison[]): string {
  const header = ['comparison (req/s)', 'operation', 'of medians', 'mean of rounds', '95% interval', 'lowest round', 'highest round', 'verdict'];
  const verdict = (c: Comparison) => {
    if (!c.confidence95) return '-';
    const [low, high] = c.confidence95;
    if (low > 1) return 'faster';
    if (high < 1) return 'slower';
    return 'no difference shown';
  };
  const lines = comparisons.map((c) => [
    `${c.a} ÷ ${c.b}`,
    c.operation,
    percent(c.ratio),
    percent(c.pairedMean),
    c.confidence95 ? `${percent(c.confidence95[0])}…${percent(c.confidence95[1])}` : '-',
    percent(c.min),
    percent(c.max),
    verdict(c),
  ]);
  return renderTable(header, lines, 2);
}

export function formatSoak(result: SoakResult): string {
  // Every fifth second is enough to read; the verdict used every sample.
  const series = result.samples
    .filter((s, i) => s.atS % 5 === 0 || i === result.samples.length - 1)
    .map((s) => `${String(s.atS).padStart(3)} s  rss ${s.rssMb.toFixed(1)} MB${s.heapUsedMb === undefined ? '' : `  heap used ${s.heapUsedMb.toFixed(1)} MB`}`)
    .join('\n');
  const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;
  // The last sample against the first says little: the heap saws by a hundred MB. The floors say whether it grows.
  const growth =
    `floor of the second half over the first: rss ${signed(result.secondHalfRssGrowthMb)}` +
    (result.secondHalfHeapGrowthMb === undefined ? '' : `, heap used ${signed(result.secondHalfHeapGrowthMb)}`) +
    ` (${result.levelled ? 'levelled off' : 'STILL GROWING'})`;
  const loads = result.loads
    .map(({ operation, load }) => `${operation} ${load.requestsPerSec.toFixed(0)} req/s (${load.non2xx + load.errors + load.timeouts} failed)`)
    .join(', ');
  return `${series}\n${growth}\n(memory read from ${result.source === 'metrics' ? 'GET /metrics' : '/proc/<pid>/status VmRSS'}; load: ${loads})`;
}

export function formatTracingOff(result: TracingOffResult): string {
  const costs = result.costs.map((c) => `  ${c.site}: ${c.nsPerCall.toFixed(1)} ns per call`).join('\n');
  const header = ['operation', 'span sites per request', 'tracing off, about', "shipped's CPU per request", 'share'];
  const lines = result.rows.map((r) => [
    r.operation,
    r.sites.toFixed(1),
    `${r.nsPerRequest.toFixed(0)} ns`,
    r.cpuNsPerRequest === undefined ? '-' : `${(r.cpuNsPerRequest / 1000).toFixed(1)} µs`,
    r.share === undefined ? '-' : `${(r.share * 100).toFixed(3)} %`,
  ]);
  return `${costs}\n${renderTable(header, lines, 1)}`;
}
