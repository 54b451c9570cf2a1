import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { CalendarService } from './calendar.service.js';
import { CalendarFeedModel } from './dto/calendar-feed.model.js';

@Resolver(() => CalendarFeedModel)
export class CalendarResolver {
  constructor(private readonly calendar: CalendarService) {}

  @Authenticated()
  @Mutation(() => CalendarFeedModel, {
    description:
      "A secret iCalendar feed of the cohort's sessions the caller may see. Making a new one ends the old URL.",
  })
  createCalendarFeed(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
  ): Promise<CalendarFeedModel> {
    return this.calendar.createFeed(user, cohortId);
  }

  @Authenticated()
  @Mutation(() => Boolean, { description: "Ends the caller's feed URL for the cohort; true even if there was none." })
  revokeCalendarFeed(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
  ): Promise<boolean> {
    return this.calendar.revokeFeed(user, cohortId);
  }
}
