import { Module } from '@nestjs/common';
import { CharterPolicyService } from '../charter/charter-policy.js';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { SpacesModule } from '../spaces/spaces.module.js';
import { SearchService } from './search.service.js';
import { PostsResolver, SearchResolver, ThreadsResolver } from './threads.resolver.js';
import { ThreadsService } from './threads.service.js';

@Module({
  imports: [CohortsModule, SpacesModule, AuditModule],
  providers: [ThreadsService, SearchService, ThreadsResolver, PostsResolver, SearchResolver, CharterPolicyService],
  exports: [ThreadsService],
})
export class ThreadsModule {}
