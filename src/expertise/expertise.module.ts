import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { NeedsModule } from '../needs/needs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ThreadsModule } from '../threads/threads.module.js';
import { ExpertiseResolver } from './expertise.resolver.js';
import { ExpertiseService } from './expertise.service.js';
import { MemberProfileEntity } from './profile.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([MemberProfileEntity]),
    CohortsModule,
    AuditModule,
    ThreadsModule,
    NeedsModule,
    NotificationsModule,
  ],
  providers: [ExpertiseService, ExpertiseResolver],
})
export class ExpertiseModule {}
