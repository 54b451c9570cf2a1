import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { AuditLogResolver } from './audit-log.resolver.js';
import { AuditLogService } from './audit-log.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEntryEntity]), CohortsModule],
  providers: [AuditLogService, AuditLogResolver],
})
export class InsightsModule {}
