import { AccessTokenEntity } from '../auth/access-token.entity.js';
import {
  CharterNormEntity,
  CharterVersionEntity,
  NormProposalCommentEntity,
  NormProposalEntity,
  NormVoteEntity,
} from '../charter/charter.entity.js';
import { UserEntity } from '../auth/user.entity.js';
import { CohortEntity } from '../cohorts/cohort.entity.js';
import { InvitationEntity } from '../cohorts/invitation.entity.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { AuditEntryEntity } from '../insights/audit-entry.entity.js';
import { NeedEntity, NeedSupportEntity } from '../needs/need.entity.js';
import { CalendarFeedEntity } from '../sessions/calendar-feed.entity.js';
import { BreakoutGroupEntity, BreakoutMemberEntity, BreakoutNoteEntity } from '../sessions/breakout.entity.js';
import { QuestionEntity, QuestionVoteEntity } from '../sessions/question.entity.js';
import { SessionEntity, SessionRsvpEntity } from '../sessions/session.entity.js';
import { RealtimeEventEntity, RealtimeTopicEntity } from '../realtime/event.entity.js';
import { SpaceEntity } from '../spaces/space.entity.js';
import { PostEntity, PostReactionEntity, PostRevisionEntity } from '../threads/post.entity.js';
import { ThreadEntity } from '../threads/thread.entity.js';
import { MemberProfileEntity } from '../expertise/profile.entity.js';
import { ContributionEntity } from '../expertise/contribution.entity.js';
import { NotificationEntity } from '../notifications/notification.entity.js';

/** Every entity of Convene; migrations must describe exactly these. */
export const ENTITIES = [
  UserEntity,
  AccessTokenEntity,
  CohortEntity,
  MembershipEntity,
  InvitationEntity,
  MemberProfileEntity,
  NotificationEntity,
  ContributionEntity,
  BreakoutGroupEntity,
  BreakoutMemberEntity,
  BreakoutNoteEntity,
  AuditEntryEntity,
  SpaceEntity,
  ThreadEntity,
  PostEntity,
  PostRevisionEntity,
  PostReactionEntity,
  NeedEntity,
  NeedSupportEntity,
  CharterVersionEntity,
  CharterNormEntity,
  NormProposalEntity,
  NormVoteEntity,
  NormProposalCommentEntity,
  SessionEntity,
  SessionRsvpEntity,
  QuestionEntity,
  QuestionVoteEntity,
  CalendarFeedEntity,
  RealtimeTopicEntity,
  RealtimeEventEntity,
];
