import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { CohortInsightsService } from './cohort-insights.service.js';
import { CohortInsightsArgs, CohortInsightsModel } from './dto/cohort-insights.model.js';

@Resolver(() => CohortInsightsModel)
export class CohortInsightsResolver {
  constructor(private readonly service: CohortInsightsService) {}

  @Authenticated()
  @Query(() => CohortInsightsModel, { description: 'FACILITATOR only. Aggregates; small cells suppressed.' })
  cohortInsights(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() args: CohortInsightsArgs,
  ): Promise<CohortInsightsModel> {
    return this.service.insights(user, cohortId, args.weeks);
  }
}
