import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { SpaceEntity } from './space.entity.js';
import { SpacesResolver } from './spaces.resolver.js';
import { SpacesService } from './spaces.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SpaceEntity]), CohortsModule, AuditModule],
  providers: [SpacesService, SpacesResolver],
  exports: [SpacesService],
})
export class SpacesModule {}
