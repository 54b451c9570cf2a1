import type { EntityManager } from 'typeorm';
import { CohortEntity } from '../cohorts/cohort.entity.js';
import { type CharterPolicy, DEFAULT_CHARTER_POLICY, DEFAULT_NORMS, VendorAccess } from './charter-policy.js';
import { CharterNormEntity, CharterVersionEntity } from './charter.entity.js';

/** Writes a charter version with its norms, inside the caller's transaction. */
export async function writeCharterVersion(
  manager: EntityManager,
  cohortId: string,
  version: number,
  policy: CharterPolicy,
  norms: readonly { title: string; text: string }[],
  ratifiedById: string | null,
): Promise<CharterVersionEntity> {
  const saved = await manager.save(
    manager.create(CharterVersionEntity, { cohortId, version, ...policy, ratifiedById }),
  );
  await manager.insert(
    CharterNormEntity,
    norms.map((norm, position) => ({ charterVersionId: saved.id, position, title: norm.title, text: norm.text })),
  );
  return saved;
}

/** Version 1 comes with the cohort: the contract's default policy and Convene's default norms. */
export function writeFirstCharter(manager: EntityManager, cohortId: string): Promise<CharterVersionEntity> {
  return writeCharterVersion(manager, cohortId, 1, DEFAULT_CHARTER_POLICY, DEFAULT_NORMS, null);
}

export function policyOf(version: CharterVersionEntity): CharterPolicy {
  return {
    attribution: version.attribution,
    recording: version.recording,
    observers: version.observers,
    vendorAccess: version.vendorAccess,
    externalSharing: version.externalSharing,
    retentionDays: version.retentionDays,
  };
}

/** Whether the charter in force shuts vendors out (vendorAccess NONE): no vendor may join or be made. */
export async function vendorsShutOut(manager: EntityManager, cohortId: string): Promise<boolean> {
  const version = await manager
    .createQueryBuilder(CharterVersionEntity, 'v')
    .innerJoin(CohortEntity, 'c', 'c.id = v.cohort_id AND c.charter_version = v.version')
    .where('v.cohort_id = :cohortId', { cohortId })
    .getOne();
  return version?.vendorAccess === VendorAccess.NONE;
}
