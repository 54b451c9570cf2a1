import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CharterModule } from '../charter/charter.module.js';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { CohortInsightsResolver } from './cohort-insights.resolver.js';
import { CohortInsightsService } from './cohort-insights.service.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { AuditLogResolver } from './audit-log.resolver.js';
import { AuditLogService } from './audit-log.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEntryEntity]), CohortsModule, CharterModule],
  providers: [AuditLogService, AuditLogResolver, CohortInsightsService, CohortInsightsResolver],
})
export class InsightsModule {}
