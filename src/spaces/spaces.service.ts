import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { accessibleBy } from '../authz/sql-conditions.js';
import { AccessService } from '../cohorts/access.service.js';
import { CohortsService } from '../cohorts/cohorts.service.js';
import { notFound } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { type Connection, keysetPage, type PageArgs } from '../common/pagination.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import { type CreateSpaceInput, type SpaceModel, toSpaceModel } from './dto/space.model.js';
import { SpaceEntity } from './space.entity.js';

/** How the ability's Space fields map onto the `s` alias of space queries. */
export const SPACE_COLUMNS = {
  id: 's.id',
  cohortId: 's.cohort_id',
  audienceRoles: { array: 's.audience_roles::text[]' },
  audienceMinistries: { array: 's.audience_ministries' },
};

@Injectable()
export class SpacesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SpaceEntity) private readonly spaces: Repository<SpaceEntity>,
    private readonly cohorts: CohortsService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async create(user: AuthUser, input: CreateSpaceInput): Promise<SpaceEntity> {
    const { cohort } = await this.cohorts.getReadable(user, input.cohortId);
    await this.access.authorize(user, 'create', 'Space', this.shape({ id: '', cohortId: cohort.id }), cohort.id);
    return this.dataSource.transaction(async (manager) => {
      const space = await manager.save(
        manager.create(SpaceEntity, {
          cohortId: cohort.id,
          title: input.title.trim(),
          purpose: input.purpose.trim(),
          audienceRoles: [...new Set(input.audienceRoles ?? [])],
          audienceMinistries: [...new Set(input.audienceMinistries ?? [])],
          createdById: user.id,
        }),
      );
      await this.audit.record(manager, {
        cohortId: cohort.id,
        actorId: user.id,
        action: 'space.created',
        subjectType: 'Space',
        subjectId: space.id,
      });
      return space;
    });
  }

  /** A space the caller may enter, or NOT_FOUND as for a missing id. */
  async getReadable(user: AuthUser, id: string): Promise<SpaceEntity> {
    const space = isUuid(id) ? await this.spaces.findOneBy({ id }) : null;
    if (!space) throw notFound();
    await this.access.authorize(user, 'read', 'Space', this.shape(space), space.cohortId);
    return space;
  }

  /** The spaces of a cohort the caller may enter, filtered in SQL by the ability's rules. */
  async list(user: AuthUser, cohortId: string, page: PageArgs): Promise<Connection<SpaceModel>> {
    const { ability } = await this.cohorts.getContentScope(user, cohortId);
    const allowed = accessibleBy(ability, 'read', 'Space', SPACE_COLUMNS);
    const query = this.spaces
      .createQueryBuilder('s')
      .where('s.cohort_id = :cohortId', { cohortId })
      .andWhere(allowed.sql, allowed.params);
    return keysetPage(
      query,
      page,
      { at: 's.created_at', id: 's.id', direction: 'ASC' },
      (row) => [row.createdAt, row.id],
      toSpaceModel,
    );
  }

  private shape(space: Pick<SpaceEntity, 'id' | 'cohortId'> & Partial<SpaceEntity>) {
    return {
      id: space.id,
      cohortId: space.cohortId,
      audienceRoles: space.audienceRoles ?? [],
      audienceMinistries: space.audienceMinistries ?? [],
    };
  }
}
