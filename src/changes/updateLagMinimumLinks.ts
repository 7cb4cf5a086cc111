import type { AppliedCheck } from './models.js';
import type { ChangeRecording } from '../audit/audited.js';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import type { DirectConnectService } from '../aws/directConnect.js';
import { fromAwsError, invalidInput, lagNotFound, planRequired, withAwsWords, type LagSubject, type RefusalMember } from '../errors/refusals.js';
import { checkLagId, type ServedRegions } from '../input.js';
import { minimumLinksImpact, type LagView } from './impact.js';
import { callAws, checkChangeInput, isGone, readLagView, runChange, type ChangeInput, type MutatingCall, type ReadDeps, type RunDeps } from './lagChange.js';
import { lagState, withPlanToken, type OpenPlan, type PlannedState } from './plan.js';
import { verdictState, warningsNeedingPlan } from './planPolicy.js';

// UpdateLag with minimumLinks alone: the way to unblock a disassociation refused for
// minimum links, and to restore the setting afterwards. AWS takes 0 up to the LAG's
// number of member connections (docs/aws-behaviour.md, "Associating, updating and
// deleting"); a LAG with fewer operational members than minimumLinks goes down, so
// a value that does that (LAG_GOES_DOWN) needs, by default, the plan of a dry run that
// showed it (planPolicy.ts).

export interface MinimumLinksInput extends ChangeInput {
  lagId: string;
  minimumLinks: number;
}

export interface MinimumLinksDeps extends RunDeps {
  directConnect: ReadDeps['directConnect'] & Pick<DirectConnectService, 'updateLagMinimumLinks'>;
  regions: ServedRegions;
}

type Result = ResolversUnionTypes<ResolversTypes>['UpdateLagMinimumLinksResult'];

const OPERATION = 'updateLagMinimumLinks';

interface Subject extends LagSubject {
  minimumLinks: number;
}

function validate(input: MinimumLinksInput, regions: ServedRegions): Subject | RefusalMember<'InvalidInput'> {
  const problem = checkLagId(input.lagId);
  if (problem) return invalidInput(problem);
  if (!Number.isInteger(input.minimumLinks) || input.minimumLinks < 0) {
    return invalidInput({ field: 'minimumLinks', message: `minimumLinks ${input.minimumLinks} is not allowed: use 0 up to the LAG's number of member connections.` });
  }
  const common = checkChangeInput(input, regions);
  if ('message' in common) return invalidInput(common);
  return { lagId: input.lagId, minimumLinks: input.minimumLinks, region: common.region };
}

const planInput = ({ lagId, region, minimumLinks }: Subject) => ({ lagId, region, minimumLinks: String(minimumLinks) });

export async function updateLagMinimumLinks(input: MinimumLinksInput, deps: MinimumLinksDeps, recording?: ChangeRecording): Promise<Result> {
  const subject = validate(input, deps.regions);
  if ('__typename' in subject) return subject;
  return runChange(
    input,
    {
      operation: OPERATION,
      subject,
      planInput: planInput(subject),
      read: (fresh) => readLagView(subject.region, subject.lagId, deps, fresh),
      planned: (view) => plannedState(view, subject.minimumLinks),
      proceed: async (view, plan, mutating) => {
        const refused = refusalFromState(view, subject);
        if (refused) return refused;
        if (input.dryRun) return dryRun(subject, view!, deps);
        const grave = plan ? [] : warningsNeedingPlan(minimumLinksImpact(view!, subject.minimumLinks), deps.planRequiredFor);
        return grave.length > 0 ? planRequired(OPERATION, grave) : update(subject, view!, deps, mutating);
      },
      failed: (error) => fromAwsError(subject, error),
    },
    deps,
    recording,
  );
}

/** What a plan binds: the LAG with what rides on it, and the verdicts of the traffic and maintenance checks. */
const plannedState = (view: LagView | null, minimumLinks: number): PlannedState => ({
  ...lagState('lag', view),
  ...verdictState('lag', view ? minimumLinksImpact(view, minimumLinks) : null),
});

/** The value's bounds against the LAG (AWS: no more than its member connections). */
function refusalFromState(view: LagView | null, subject: Subject): RefusalMember<'LagNotFound' | 'InvalidInput'> | undefined {
  if (!view) return lagNotFound(subject);
  if (isGone(view.lag.lagState)) return lagNotFound(subject, undefined, view.lag.lagState);
  const members = view.lag.connections ?? [];
  if (subject.minimumLinks > members.length) {
    return invalidInput({
      field: 'minimumLinks',
      message:
        `minimumLinks ${subject.minimumLinks} is more than the ${members.length} member connection(s) of LAG ${subject.lagId}; ` +
        `AWS allows 0 to ${members.length}.`,
    });
  }
  return undefined;
}

function dryRun(subject: Subject, view: LagView, deps: MinimumLinksDeps): Result {
  return withPlanToken(
    {
      __typename: 'UpdateLagMinimumLinksSuccess' as const,
      region: subject.region,
      lagId: subject.lagId,
      dryRun: true,
      replayed: false,
      awsRequestId: null,
      impact: minimumLinksImpact(view, subject.minimumLinks),
    },
    deps.plans,
    OPERATION,
    planInput(subject),
    () => plannedState(view, subject.minimumLinks),
  );
}

async function update(subject: Subject, view: LagView, deps: MinimumLinksDeps, mutating: MutatingCall): Promise<Result> {
  const { lagId, region } = subject;
  const called = await callAws(
    mutating,
    () => deps.directConnect.updateLagMinimumLinks(region, lagId, subject.minimumLinks),
    () => deps.loaders.forget(region, { lagId }),
  );
  if ('refused' in called) {
    // AWS's words for a value above the members are known; the gateway's own explain it first.
    const explained = called.refused.code === 'BAD_USER_INPUT' ? refusalFromState(view, subject) : undefined;
    return explained ? withAwsWords(explained, called.refused) : fromAwsError(subject, called.refused);
  }
  return {
    __typename: 'UpdateLagMinimumLinksSuccess',
    region,
    lagId,
    dryRun: false,
    replayed: false,
    awsRequestId: called.answer.awsRequestId ?? null,
    impact: minimumLinksImpact(view, subject.minimumLinks),
    planToken: null,
  };
}

/** Reconciliation (reconcile.ts): AWS's state shows the update made once the LAG's minimumLinks is the value asked for. */
export const minimumLinksApplied: AppliedCheck = async ({ lagId, minimumLinks }, region, { directConnect }) => {
  if (typeof lagId !== 'string' || typeof minimumLinks !== 'number') return undefined;
  const lag = await directConnect.describeLag(region, lagId, { fresh: true });
  return lag ? lag.minimumLinks === minimumLinks : undefined;
};
