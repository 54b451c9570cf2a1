import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { AuditModule } from '../insights/audit.module.js';
import { ThreadEntity } from '../threads/thread.entity.js';
import { NeedEntity, NeedSupportEntity } from './need.entity.js';
import { NeedsResolver } from './needs.resolver.js';
import { NeedsService } from './needs.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([NeedEntity, NeedSupportEntity, MembershipEntity, ThreadEntity]),
    CohortsModule,
    AuditModule,
  ],
  providers: [NeedsService, NeedsResolver],
  exports: [NeedsService],
})
export class NeedsModule {}
