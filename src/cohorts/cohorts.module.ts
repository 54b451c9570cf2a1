import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { AccessWindow } from './access-window.js';
import { AccessService } from './access.service.js';
import { CohortLifecycleService } from './cohort-lifecycle.service.js';
import { CohortEntity } from './cohort.entity.js';
import { CohortsResolver } from './cohorts.resolver.js';
import { CohortsService } from './cohorts.service.js';
import { InvitationEntity } from './invitation.entity.js';
import { InvitationsResolver } from './invitations.resolver.js';
import { InvitationsService } from './invitations.service.js';
import { MembershipEntity } from './membership.entity.js';
import { MembershipsResolver, UserMembershipsResolver } from './memberships.resolver.js';
import { MembershipsService } from './memberships.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CohortEntity, MembershipEntity, InvitationEntity]), AuthModule, AuditModule],
  providers: [
    AccessWindow,
    AccessService,
    CohortsService,
    CohortLifecycleService,
    MembershipsService,
    InvitationsService,
    CohortsResolver,
    MembershipsResolver,
    UserMembershipsResolver,
    InvitationsResolver,
  ],
  exports: [AccessService, AccessWindow, CohortsService],
})
export class CohortsModule {}
