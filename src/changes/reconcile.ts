import type { Logger } from 'pino';
import type { Change, ChangeHistory, Settlement } from '../audit/history.js';
import type { AuditTrail } from '../audit/trail.js';
import type { AppliedCheck } from './models.js';
import { associationApplied } from './associateConnectionWithLag.js';
import { startApplied, stopApplied } from './bgpFailoverTest.js';
import { disassociationApplied } from './disassociateConnectionFromLag.js';
import { minimumLinksApplied } from './updateLagMinimumLinks.js';

// Reconciliation (docs/change-record.md): an intent that no outcome settled by its
// deadline belongs to an attempt that can no longer be running (its replica was
// killed, crashed, or lost the outcome's write), since no attempt sends its call
// after its window (lagChange.ts, runChange). AWS's own state then says whether the
// change was made: each change's module knows what to read (its AppliedCheck), and
// the settlement is recorded as the change's outcome. One replica does it at a time
// (a lock in the database, which a replica that dies lets go of with its connection;
// with a file or the log, the replica is alone), at
// start-up, every minute, and when the earliest deadline it saw passes.


const CHECKS: Record<string, AppliedCheck> = {
  disassociateConnectionFromLag: disassociationApplied,
  associateConnectionWithLag: associationApplied,
  updateLagMinimumLinks: minimumLinksApplied,
  startBgpFailoverTest: startApplied,
  stopBgpFailoverTest: stopApplied,
};

export const RECONCILE_EVERY_MS = 60_000;

export interface ReconcilerDeps {
  history: ChangeHistory;
  audit: Pick<AuditTrail, 'settle'>;
  directConnect: Parameters<AppliedCheck>[2]['directConnect'];
  /** Whether this replica is the one that reconciles (the database's lock); absent: this replica alone keeps its record. */
  isReconciler?: () => Promise<boolean>;
  logger: Logger;
  now?: () => number;
  everyMs?: number;
}

export interface Reconciler {
  /** One round: settles every intent past its deadline; how many it settled. */
  round(): Promise<number>;
  stop(): Promise<void>;
}

/** Reads AWS for one change; its settlement, or undefined when AWS cannot tell yet. */
export async function settlementOf(change: Change, directConnect: ReconcilerDeps['directConnect']): Promise<Settlement | undefined> {
  const check = CHECKS[change.operation];
  const input = typeof change.input === 'object' && change.input !== null ? (change.input as Record<string, unknown>) : {};
  if (!check || !change.region) return undefined;
  const applied = await check(input, change.region, { directConnect }, change.requestedAt);
  if (applied === undefined) return undefined;
  return applied ? 'APPLIED_PER_AWS' : 'NOT_APPLIED_PER_AWS';
}

export function startReconciler(deps: ReconcilerDeps): Reconciler {
  const { history, audit, logger, now = Date.now, everyMs = RECONCILE_EVERY_MS } = deps;
  // A change AWS's state cannot settle is looked at every round, but said once (then at debug).
  const told = new Set<string>();
  const tell = (change: Change, details: object, message: string) => {
    const once = !told.has(change.id);
    if (once && told.size < 10_000) told.add(change.id);
    (once ? logger.warn : logger.debug).call(logger, { change: change.id, operation: change.operation, resourceIds: change.resourceIds, ...details }, message);
  };
  let stopped = false;
  let running: Promise<number> | undefined;
  let soon: NodeJS.Timeout | undefined;

  const settleDue = async (): Promise<number> => {
    if (deps.isReconciler && !(await deps.isReconciler())) {
      logger.debug('another replica reconciles the change record');
      return 0;
    }
    const unsettled = await history.unsettled();
    logger.debug({ unsettled: unsettled.length }, 'reconciling the change record');
    const at = now();
    let settled = 0;
    let next: number | undefined;
    for (const change of unsettled) {
      if (stopped) break;
      const deadline = change.deadline.getTime();
      if (deadline > at) {
        next = Math.min(next ?? deadline, deadline);
        continue;
      }
      let settlement: Settlement | undefined;
      try {
        settlement = await settlementOf(change, deps.directConnect);
      } catch (error) {
        tell(change, { error: (error as Error).message }, 'could not read AWS to settle a change; trying again every round');
        continue;
      }
      if (!settlement) {
        const why = change.region ? 'AWS\'s state cannot tell whether this change was made' : 'this change was recorded without its region, so AWS cannot be asked';
        tell(change, {}, `${why}; trying again every round`);
        continue;
      }
      if (await audit.settle(change, settlement)) {
        settled += 1;
        logger.warn(
          { change: change.id, operation: change.operation, caller: change.caller, resourceIds: change.resourceIds, clientRequestId: change.clientRequestId, settlement },
          'settled a change its replica never finished (crashed or killed): recorded as AWS\'s state shows it',
        );
      }
    }
    // The earliest deadline still ahead is looked at as it passes, not a minute later.
    if (next !== undefined && !stopped) {
      clearTimeout(soon);
      soon = setTimeout(() => void round(), Math.min(Math.max(next - now() + 250, 0), everyMs));
      soon.unref();
    }
    return settled;
  };

  const round = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    running ??= settleDue()
      .catch((error: unknown) => {
        logger.warn({ error: (error as Error).message }, 'could not reconcile the change record this round');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const every = setInterval(() => void round(), everyMs);
  every.unref();
  void round();
  return {
    round,
    async stop() {
      stopped = true;
      clearInterval(every);
      clearTimeout(soon);
      await running;
    },
  };
}
