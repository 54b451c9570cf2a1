import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import type { Connection } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import {
  MarkNotificationsReadInput,
  NotificationConnection,
  NotificationModel,
  NotificationsArgs,
} from './dto/notification.model.js';
import { NotificationsService } from './notifications.service.js';

@Resolver(() => NotificationModel)
export class NotificationsResolver {
  constructor(private readonly service: NotificationsService) {}

  @Authenticated()
  @Query(() => NotificationConnection, {
    description: "The caller's notifications, newest first, from the cohorts where their membership is in force.",
  })
  notifications(
    @CurrentUser() user: AuthUser,
    @Args() args: NotificationsArgs,
  ): Promise<Connection<NotificationModel>> {
    return this.service.list(user, args);
  }

  @Authenticated()
  @Mutation(() => [NotificationModel], {
    description: "Marks the caller's own notifications read (or unread with `unread: true`); other ids change nothing.",
  })
  markNotificationsRead(
    @CurrentUser() user: AuthUser,
    @Args('input') input: MarkNotificationsReadInput,
  ): Promise<NotificationModel[]> {
    return this.service.mark(user, input.ids, input.unread ?? false);
  }
}
