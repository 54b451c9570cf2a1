import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Public } from '../authz/policy.decorator.js';
import { notFound } from '../common/errors.js';
import { RateLimits } from '../common/rate-limit/rate-limit.module.js';
import { type AuthUser, CurrentUser, RequestIp } from '../common/request-context.js';
import { AuthService } from './auth.service.js';
import { LoginInput, LoginPayload } from './dto/login.dto.js';
import { toUserModel, UserModel } from './dto/user.model.js';

@Resolver(() => UserModel)
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly limits: RateLimits,
  ) {}

  // Public: this is how a caller gets a token in the first place.
  @Public()
  @Mutation(() => LoginPayload)
  async login(@Args('input') input: LoginInput, @RequestIp() ip: string): Promise<LoginPayload> {
    await this.limits.login(ip, input.email);
    const { token, user } = await this.auth.login(input.email, input.password);
    return { token, user: toUserModel(user, { showEmail: true }) };
  }

  @Authenticated()
  @Mutation(() => Boolean, { description: 'Revokes the token this request carried, at once.' })
  async logout(@CurrentUser() user: AuthUser): Promise<boolean> {
    await this.auth.logout(user);
    return true;
  }

  @Authenticated()
  @Query(() => UserModel)
  async me(@CurrentUser() user: AuthUser): Promise<UserModel> {
    const account = await this.auth.findUser(user.id);
    if (!account) throw notFound();
    return toUserModel(account, { showEmail: true });
  }
}
