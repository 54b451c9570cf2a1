import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CharterModule } from '../charter/charter.module.js';
import { CohortsModule } from '../cohorts/cohorts.module.js';
import { AuditModule } from '../insights/audit.module.js';
import { NeedsModule } from '../needs/needs.module.js';
import { BreakoutGroupEntity, BreakoutMemberEntity, BreakoutNoteEntity } from './breakout.entity.js';
import { BreakoutsResolver, SessionBreakoutsResolver } from './breakouts.resolver.js';
import { BreakoutsService } from './breakouts.service.js';
import { CalendarFeedEntity } from './calendar-feed.entity.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarResolver } from './calendar.resolver.js';
import { CalendarService } from './calendar.service.js';
import { QuestionEntity, QuestionVoteEntity } from './question.entity.js';
import { QuestionsResolver } from './questions.resolver.js';
import { QuestionsService } from './questions.service.js';
import { SessionEntity, SessionRsvpEntity } from './session.entity.js';
import { SessionsResolver } from './sessions.resolver.js';
import { SessionLifecycleService } from './session-lifecycle.service.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      SessionEntity,
      SessionRsvpEntity,
      QuestionEntity,
      QuestionVoteEntity,
      CalendarFeedEntity,
      BreakoutGroupEntity,
      BreakoutMemberEntity,
      BreakoutNoteEntity,
    ]),
    CohortsModule,
    CharterModule,
    NeedsModule,
    AuditModule,
  ],
  providers: [
    SessionsService,
    SessionLifecycleService,
    QuestionsService,
    SessionsResolver,
    QuestionsResolver,
    CalendarService,
    CalendarResolver,
    BreakoutsService,
    BreakoutsResolver,
    SessionBreakoutsResolver,
  ],
  controllers: [CalendarController],
  exports: [SessionsService, QuestionsService, BreakoutsService],
})
export class SessionsModule {}
