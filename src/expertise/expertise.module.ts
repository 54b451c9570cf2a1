import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { NeedsModule } from '../needs/needs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ThreadsModule } from '../threads/threads.module.js';
import { ContributionEntity } from './contribution.entity.js';
import { ContributionsService } from './contributions.service.js';
import {
  ContributionsResolver,
  ExpertiseResolver,
  SessionContributionsResolver,
  ThreadContributionsResolver,
} from './expertise.resolver.js';
import { ExpertiseService } from './expertise.service.js';
import { MemberProfileEntity } from './profile.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([MemberProfileEntity, ContributionEntity]),
    CohortsModule,
    AuditModule,
    ThreadsModule,
    NeedsModule,
    NotificationsModule,
    SessionsModule,
  ],
  providers: [
    ExpertiseService,
    ContributionsService,
    ExpertiseResolver,
    ContributionsResolver,
    SessionContributionsResolver,
    ThreadContributionsResolver,
  ],
})
export class ExpertiseModule {}
