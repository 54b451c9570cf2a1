import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import type { Connection } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import { SessionModel } from '../sessions/dto/session.model.js';
import { ThreadModel } from '../threads/dto/thread.model.js';
import { ContributionsService } from './contributions.service.js';
import {
  AskForHelpInput,
  ContributionModel,
  InviteContributorInput,
  DirectoryArgs,
  ExpertiseAreaModel,
  HelpSuggestionModel,
  MemberProfileConnection,
  MemberProfileModel,
  UpdateProfileInput,
  WhoCouldHelpArgs,
} from './dto/expertise.model.js';
import { EXPERTISE_AREAS } from './expertise-areas.js';
import { ExpertiseService } from './expertise.service.js';

@Resolver(() => MemberProfileModel)
export class ExpertiseResolver {
  constructor(private readonly expertise: ExpertiseService) {}

  @Authenticated()
  @Query(() => [ExpertiseAreaModel], { description: 'The published vocabulary of expertise areas.' })
  expertiseAreas(): ExpertiseAreaModel[] {
    return EXPERTISE_AREAS.map(({ code, name }) => ({ code, name }));
  }

  @Authenticated()
  @Query(() => MemberProfileConnection, {
    description:
      "The cohort's expertise directory: its facilitators and members with their profiles, oldest membership " +
      'first, for facilitators and members (others get an empty list).',
  })
  expertiseDirectory(
    @CurrentUser() user: AuthUser,
    @Args() args: DirectoryArgs,
  ): Promise<Connection<MemberProfileModel>> {
    return this.expertise.directory(user, args);
  }

  @Authenticated()
  @Mutation(() => MemberProfileModel, {
    description: "Writes the caller's own profile in a cohort (FACILITATOR, MEMBER).",
  })
  updateMyProfile(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateProfileInput,
  ): Promise<MemberProfileModel> {
    return this.expertise.updateProfile(user, input);
  }

  @Authenticated()
  @Query(() => [HelpSuggestionModel], {
    description:
      'Members of the same cohort whose expertise matches a thread or a need (give exactly one), best first; never ' +
      'the caller. For facilitators and members who can read it.',
  })
  whoCouldHelp(@CurrentUser() user: AuthUser, @Args() args: WhoCouldHelpArgs): Promise<HelpSuggestionModel[]> {
    return this.expertise.whoCouldHelp(user, args, args.first);
  }

  @Authenticated()
  @Mutation(() => Int, {
    description:
      'Asks the members behind suggestions for help: each is notified of the thread or need, never of who asked. ' +
      'Returns how many were newly asked (under ANONYMOUS: how many this call asked).',
  })
  askForHelp(@CurrentUser() user: AuthUser, @Args('input') input: AskForHelpInput): Promise<number> {
    return this.expertise.askForHelp(user, input, input.suggestionIds);
  }
}

@Resolver(() => ContributionModel)
export class ContributionsResolver {
  constructor(private readonly contributions: ContributionsService) {}

  @Authenticated()
  @Mutation(() => ContributionModel, {
    description:
      'FACILITATOR. Brings a facilitator or member in as a named contributor to a session segment or a thread ' +
      '(give exactly one); they are notified.',
  })
  inviteContributor(
    @CurrentUser() user: AuthUser,
    @Args('input') input: InviteContributorInput,
  ): Promise<ContributionModel> {
    return this.contributions.invite(user, input);
  }
}

@Resolver(() => SessionModel)
export class SessionContributionsResolver {
  constructor(private readonly service: ContributionsService) {}

  @ResolveField(() => [ContributionModel], {
    description: 'Named contributors and their segments, shown with the outcome (not to vendors).',
  })
  contributions(@CurrentUser() user: AuthUser, @Parent() session: SessionModel): Promise<ContributionModel[]> {
    // Only sessions the reader was allowed to see reach here.
    return this.service.ofSession(user, session);
  }
}

@Resolver(() => ThreadModel)
export class ThreadContributionsResolver {
  constructor(private readonly service: ContributionsService) {}

  @ResolveField(() => [ContributionModel], { description: 'Members a facilitator brought in to contribute.' })
  contributions(@CurrentUser() user: AuthUser, @Parent() thread: ThreadModel): Promise<ContributionModel[]> {
    // Only threads the reader was allowed to see reach here.
    return this.service.ofThread(user, thread);
  }
}
