import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import type { CharterPolicy } from './charter-policy.js';
import { CharterVersionEntity } from './charter.entity.js';
import { policyOf } from './charter-versions.js';

/** The charter policy in force for a cohort: what every enforcement point asks. */
@Injectable()
export class CharterPolicyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async current(cohortId: string): Promise<CharterPolicy> {
    const version = await this.dataSource
      .getRepository(CharterVersionEntity)
      .createQueryBuilder('v')
      .innerJoin('cohorts', 'c', 'c.id = v.cohort_id AND c.charter_version = v.version')
      .where('v.cohort_id = :cohortId', { cohortId })
      .getOne();
    if (!version) throw notFound();
    return policyOf(version);
  }
}
