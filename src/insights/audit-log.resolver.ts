import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditEntryConnection, AuditEntryModel } from './dto/audit-entry.model.js';

@Resolver(() => AuditEntryModel)
export class AuditLogResolver {
  constructor(private readonly service: AuditLogService) {}

  @Authenticated()
  @Query(() => AuditEntryConnection, { description: "A cohort's audit log, newest first. FACILITATOR only." })
  auditLog(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntryModel>> {
    return this.service.list(user, cohortId, page);
  }
}
