import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { ConnectionType, PageArgs } from '../../common/pagination.js';
import { type NotificationEntity, NotificationKind, NotificationTarget } from '../notification.entity.js';

@ObjectType('Notification', {
  description:
    'Something for the caller to look at: what (a thread, a need or a session, by id), never who sent it. ' +
    'Read the target with its own query; access to it is checked there.',
})
export class NotificationModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  cohortId!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => NotificationTarget)
  targetKind!: NotificationTarget;

  @Field(() => ID)
  targetId!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;
}

export const toNotificationModel = (row: NotificationEntity): NotificationModel => ({
  id: row.id,
  cohortId: row.cohortId,
  kind: row.kind,
  targetKind: row.targetKind,
  targetId: row.targetId,
  createdAt: row.createdAt,
  readAt: row.readAt,
});

@ObjectType()
export class NotificationConnection extends ConnectionType(NotificationModel, 'Notification') {}

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field({ defaultValue: false })
  @IsBoolean()
  unreadOnly!: boolean;
}

@InputType()
export class MarkNotificationsReadInput {
  @Field(() => [ID])
  @ArrayMaxSize(100, { message: 'takes at most 100 ids' })
  @IsUUID('all', { each: true, message: 'must hold notification ids' })
  ids!: string[];

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  unread?: boolean;
}
