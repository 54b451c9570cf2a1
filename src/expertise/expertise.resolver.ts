import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../authz/policy.decorator.js';
import type { Connection } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import {
  AskForHelpInput,
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
      'Returns how many were newly asked.',
  })
  askForHelp(@CurrentUser() user: AuthUser, @Args('input') input: AskForHelpInput): Promise<number> {
    return this.expertise.askForHelp(user, input, input.suggestionIds);
  }
}
