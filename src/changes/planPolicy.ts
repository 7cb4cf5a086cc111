import type { ImpactWarning, LagImpact } from './models.js';
import type { PlannedState } from './plan.js';

// Grave warnings need a plan (docs/contract.md, "Plans"): a real call whose impact
// carries a warning named in DX_PLAN_REQUIRED_FOR, and no expectedPlanToken, is
// refused with PlanRequired before anything changes, so a person has seen the dry run
// that showed it. The one rule for every change, decided here; each change asks only
// after the refusals its own rules give (a change the rules refuse answers that).

/** The default of DX_PLAN_REQUIRED_FOR. NO_ALTERNATE_PATH is the BGP failover test's (failoverImpact.ts). */
export const DEFAULT_PLAN_REQUIRED_FOR = ['LAG_GOES_DOWN', 'CAPACITY_BELOW_PEAK', 'MAINTENANCE_ON_REMAINING_PATH', 'NO_ALTERNATE_PATH'] as const;

/** The warnings that need a plan, of any change's impact. */
export function graveWarnings(warnings: readonly ImpactWarning[], requiredFor: ReadonlySet<string>): ImpactWarning[] {
  return warnings.filter((warning) => requiredFor.has(warning.code));
}

/** The warnings of a LAG change's impact, and of what leaving does to a LAG the connection leaves, that need a plan. */
export function warningsNeedingPlan(impact: LagImpact, requiredFor: ReadonlySet<string>): ImpactWarning[] {
  return graveWarnings([...impact.warnings, ...(impact.previousLag?.warnings ?? [])], requiredFor);
}

/**
 * What a plan binds of the traffic and maintenance checks, under `name` (`lag`,
 * `previousLag`): their verdicts, not the numbers, which move every minute. A plan
 * made before traffic rose above what stays, or before maintenance was announced on
 * it, then answers StateChanged.
 */
export function verdictState(name: string, impact: LagImpact | null): PlannedState {
  if (!impact) return {};
  return {
    [`${name}.capacityBelowPeak`]: impact.verdicts.capacityBelowPeak,
    [`${name}.maintenanceOnRemainingPath`]: impact.verdicts.maintenanceOnRemainingPath,
    ...(impact.previousLag ? verdictState('previousLag', impact.previousLag) : {}),
  };
}
