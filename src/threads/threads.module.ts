import { Module } from '@nestjs/common';
import { CharterModule } from '../charter/charter.module.js';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { SpacesModule } from '../spaces/spaces.module.js';
import { ExportService } from './export.service.js';
import { SearchService } from './search.service.js';
import { PostsResolver, SearchResolver, ThreadsResolver } from './threads.resolver.js';
import { ThreadsService } from './threads.service.js';

@Module({
  imports: [CohortsModule, SpacesModule, AuditModule, CharterModule],
  providers: [ThreadsService, SearchService, ExportService, ThreadsResolver, PostsResolver, SearchResolver],
  exports: [ThreadsService],
})
export class ThreadsModule {}
