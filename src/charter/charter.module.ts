import { Module } from '@nestjs/common';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { CharterPolicyService } from './charter-policy.service.js';
import { CharterResolver, CohortCharterResolver } from './charter.resolver.js';
import { CharterService } from './charter.service.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [CohortsModule, AuditModule],
  providers: [CharterService, CharterPolicyService, RetentionService, CharterResolver, CohortCharterResolver],
  exports: [CharterPolicyService],
})
export class CharterModule {}
