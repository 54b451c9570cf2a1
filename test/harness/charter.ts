import { randomUUID } from 'node:crypto';
import type { TestMember } from './factories.js';
import type { TestApp } from './test-app.js';

const PROPOSE = 'mutation ($input: ProposeNormInput!) { proposeNorm(input: $input) { id } }';
const VOTE = 'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id } }';
const RATIFY = 'mutation ($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version } }';
const ACCEPT = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { id } }';

/**
 * Ratifies a policy change through the real charter process: the facilitator proposes it, the
 * facilitator and the voters agree, the facilitator ratifies, and they and `alsoAccepting` accept
 * the new version. Returns that version.
 */
export async function ratifyPolicy(
  t: TestApp,
  cohortId: string,
  facilitator: TestMember,
  voters: TestMember[],
  policyChange: Record<string, unknown>,
  alsoAccepting: TestMember[] = [],
): Promise<number> {
  const { proposeNorm } = await t.ok<{ proposeNorm: { id: string } }>(
    PROPOSE,
    { input: { cohortId, title: `Policy ${randomUUID()}`, text: 'We agree to this change.', policyChange } },
    facilitator.token,
  );
  for (const voter of [facilitator, ...voters]) {
    await t.ok(VOTE, { input: { proposalId: proposeNorm.id, position: 'AGREE' } }, voter.token);
  }
  const { ratifyCharter } = await t.ok<{ ratifyCharter: { version: number } }>(
    RATIFY,
    { input: { cohortId, proposalIds: [proposeNorm.id] } },
    facilitator.token,
  );
  for (const member of [facilitator, ...voters, ...alsoAccepting]) {
    await t.ok(ACCEPT, { input: { cohortId, version: ratifyCharter.version } }, member.token);
  }
  return ratifyCharter.version;
}
