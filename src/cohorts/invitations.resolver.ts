import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { toUserModel } from '../auth/dto/user.model.js';
import { Authenticated, OptionalAuthentication } from '../authz/policy.decorator.js';
import { unauthenticated } from '../common/errors.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import {
  type AuthUser,
  CurrentUser,
  type GraphQLContext,
  OptionalUser,
  RequestToken,
} from '../common/request-context.js';
import { AccessService } from './access.service.js';
import {
  AcceptInvitationInput,
  AcceptInvitationPayload,
  InvitationConnection,
  InvitationModel,
  InviteInput,
} from './dto/invitation.model.js';
import { toMembershipModel } from './dto/membership.model.js';
import { InvitationsService } from './invitations.service.js';

@Resolver(() => InvitationModel)
export class InvitationsResolver {
  constructor(
    private readonly service: InvitationsService,
    private readonly access: AccessService,
  ) {}

  @Authenticated()
  @Mutation(() => InvitationModel, { description: 'FACILITATOR or platform admin. The token is returned once.' })
  invite(@CurrentUser() user: AuthUser, @Args('input') input: InviteInput): Promise<InvitationModel> {
    return this.service.invite(user, input);
  }

  // Optional authentication: a newcomer accepts with the invitation token alone and gets an
  // account; someone who already has one sends its bearer token as well.
  @OptionalAuthentication()
  @Mutation(() => AcceptInvitationPayload)
  async acceptInvitation(
    @OptionalUser() caller: AuthUser | null,
    @RequestToken() bearer: string | null,
    @Context() context: GraphQLContext,
    @Args('input') input: AcceptInvitationInput,
  ): Promise<AcceptInvitationPayload> {
    const { user, membership, newToken } = await this.service.accept(caller, input);
    const token = newToken ?? bearer;
    if (!token) throw unauthenticated();
    const viewer = caller ?? { id: user.id, platformRole: user.platformRole, tokenId: '' };
    // The rest of the payload (nested fields) is read as the account that just joined.
    context.req.user = viewer;
    return {
      token,
      user: toUserModel(user, { showEmail: true }),
      membership: toMembershipModel(membership, await this.access.abilityFor(viewer)),
    };
  }

  @Authenticated()
  @Query(() => InvitationConnection, { description: 'Pending invitations of a cohort, for those who manage it.' })
  invitations(
    @CurrentUser() user: AuthUser,
    @Args('cohortId', { type: () => ID }) cohortId: string,
    @Args() page: PageArgs,
  ): Promise<Connection<InvitationModel>> {
    return this.service.pending(user, cohortId, page);
  }

  @Authenticated()
  @Mutation(() => InvitationModel, { description: 'FACILITATOR or platform admin; the token stops working at once.' })
  revokeInvitation(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<InvitationModel> {
    return this.service.revoke(user, id);
  }
}
