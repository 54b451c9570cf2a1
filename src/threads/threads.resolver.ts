import { Args, ID, Info, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { pageAskedOf, samePage } from '../common/lookahead.js';
import { Authenticated } from '../authz/policy.decorator.js';
import { type Connection, PageArgs } from '../common/pagination.js';
import { type AuthUser, CurrentUser } from '../common/request-context.js';
import {
  EditPostInput,
  HidePostInput,
  MarkInsightInput,
  MentionModel,
  MoveThreadInput,
  PostConnection,
  PostModel,
  PostRevisionModel,
  ReactInput,
  ReplyInput,
  ResolveThreadInput,
  StartThreadInput,
  ThreadConnection,
  ThreadModel,
  ThreadsArgs,
} from './dto/thread.model.js';
import { ThreadsService } from './threads.service.js';
import { ExportService } from './export.service.js';
import { SearchArgs, SearchConnection } from './dto/search.model.js';
import { SearchService } from './search.service.js';

@Resolver(() => ThreadModel)
export class ThreadsResolver {
  constructor(
    private readonly service: ThreadsService,
    private readonly exporter: ExportService,
  ) {}

  @Authenticated()
  @Mutation(() => ThreadModel, {
    description: 'FACILITATOR, MEMBER (where the audience admits them), granted SCHOLAR.',
  })
  async startThread(@CurrentUser() user: AuthUser, @Args('input') input: StartThreadInput): Promise<ThreadModel> {
    return this.service.modelFor(user, await this.service.start(user, input));
  }

  @Authenticated()
  @Query(() => ThreadModel)
  async thread(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ThreadModel> {
    // A thread page: the thread and its first page of replies, read together.
    const page = pageAskedOf(info, 'posts');
    if (!page) return this.service.modelFor(user, await this.service.readable(user, id));
    const { thread, posts } = await this.service.readableWithPosts(user, id, page);
    // Assigned, not spread: spreading would render the lazy bodyHtml.
    return Object.assign(await this.service.modelFor(user, thread), { postsRead: { page, posts } });
  }

  @Authenticated()
  @Query(() => ThreadConnection, { description: 'Threads of a space, most recently active first.' })
  threads(@CurrentUser() user: AuthUser, @Args() args: ThreadsArgs): Promise<Connection<ThreadModel>> {
    return this.service.list(user, args);
  }

  @Authenticated()
  @Mutation(() => ThreadModel, { description: "FACILITATOR or the thread's author." })
  async resolveThread(@CurrentUser() user: AuthUser, @Args('input') input: ResolveThreadInput): Promise<ThreadModel> {
    return this.service.modelFor(user, await this.service.resolve(user, input.threadId, input.acceptedPostId ?? null));
  }

  @Authenticated()
  @Mutation(() => ThreadModel, { description: 'FACILITATOR: no new replies until unlocked.' })
  async lockThread(
    @CurrentUser() user: AuthUser,
    @Args('threadId', { type: () => ID }) threadId: string,
  ): Promise<ThreadModel> {
    return this.service.modelFor(user, await this.service.setLocked(user, threadId, true));
  }

  @Authenticated()
  @Mutation(() => ThreadModel, { description: 'FACILITATOR.' })
  async unlockThread(
    @CurrentUser() user: AuthUser,
    @Args('threadId', { type: () => ID }) threadId: string,
  ): Promise<ThreadModel> {
    return this.service.modelFor(user, await this.service.setLocked(user, threadId, false));
  }

  @Authenticated()
  @Mutation(() => ThreadModel, { description: 'FACILITATOR: to another space of the same cohort.' })
  async moveThread(@CurrentUser() user: AuthUser, @Args('input') input: MoveThreadInput): Promise<ThreadModel> {
    return this.service.modelFor(user, await this.service.move(user, input.threadId, input.spaceId));
  }

  @Authenticated()
  @Query(() => String, {
    description:
      "A Markdown digest of a thread for sharing outside the cohort, as the charter's externalSharing allows.",
  })
  exportThread(@CurrentUser() user: AuthUser, @Args('threadId', { type: () => ID }) threadId: string): Promise<string> {
    return this.exporter.exportThread(user, threadId);
  }

  @ResolveField(() => [MentionModel], { description: 'Members the body mentions, for readers of the member list.' })
  mentions(@Parent() thread: ThreadModel, @CurrentUser() user: AuthUser): Promise<MentionModel[]> {
    return this.service.mentionsFor(user, thread.cohortId, thread.mentionedMembershipIds);
  }

  @ResolveField(() => PostConnection, { description: 'Replies, oldest first.' })
  posts(
    @Parent() thread: ThreadModel,
    @CurrentUser() user: AuthUser,
    @Args() page: PageArgs,
  ): Promise<Connection<PostModel>> {
    if (thread.postsRead && samePage(thread.postsRead.page, page)) return Promise.resolve(thread.postsRead.posts);
    return this.service.posts(user, thread, page);
  }
}

@Resolver(() => PostModel)
export class PostsResolver {
  constructor(private readonly service: ThreadsService) {}

  @Authenticated()
  @Mutation(() => PostModel)
  reply(@CurrentUser() user: AuthUser, @Args('input') input: ReplyInput): Promise<PostModel> {
    return this.service.reply(user, input);
  }

  @Authenticated()
  @Mutation(() => PostModel, { description: "FACILITATOR or the thread's author." })
  async markInsight(@CurrentUser() user: AuthUser, @Args('input') input: MarkInsightInput): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.markInsight(user, input.postId, input.isInsight));
  }

  @Authenticated()
  @Mutation(() => PostModel, { description: 'FACILITATOR: the body is withheld from everyone else.' })
  async hidePost(@CurrentUser() user: AuthUser, @Args('input') input: HidePostInput): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.hide(user, input.postId, input.reason));
  }

  @Authenticated()
  @Mutation(() => PostModel, { description: 'The author; the earlier text is kept for facilitators.' })
  async editPost(@CurrentUser() user: AuthUser, @Args('input') input: EditPostInput): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.edit(user, input.postId, input.body));
  }

  @Authenticated()
  @Mutation(() => PostModel, { description: 'The author.' })
  async deletePost(
    @CurrentUser() user: AuthUser,
    @Args('postId', { type: () => ID }) postId: string,
  ): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.delete(user, postId));
  }

  @Authenticated()
  @Mutation(() => PostModel, { description: 'Whoever may reply; adding the same reaction twice counts once.' })
  async react(@CurrentUser() user: AuthUser, @Args('input') input: ReactInput): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.react(user, input.postId, input.reaction, true));
  }

  @Authenticated()
  @Mutation(() => PostModel)
  async unreact(@CurrentUser() user: AuthUser, @Args('input') input: ReactInput): Promise<PostModel> {
    return this.service.postModelFor(user, await this.service.react(user, input.postId, input.reaction, false));
  }

  @ResolveField(() => [MentionModel], { description: 'Members the body mentions, for readers of the member list.' })
  mentions(@Parent() post: PostModel, @CurrentUser() user: AuthUser): Promise<MentionModel[]> {
    return this.service.mentionsFor(user, post.cohortId, post.mentionedMembershipIds);
  }

  @ResolveField(() => [PostRevisionModel], { description: 'Earlier versions; for facilitators, empty for others.' })
  async revisions(@Parent() post: PostModel, @CurrentUser() user: AuthUser): Promise<PostRevisionModel[]> {
    const revisions = await this.service.revisions(user, post);
    return revisions.map((revision) => ({ body: revision.body, replacedAt: revision.createdAt }));
  }
}

@Resolver()
export class SearchResolver {
  constructor(private readonly service: SearchService) {}

  @Authenticated()
  @Query(() => SearchConnection, {
    description: 'Full-text search over the threads and posts of a cohort that the caller may read, best match first.',
  })
  search(@CurrentUser() user: AuthUser, @Args() args: SearchArgs): Promise<SearchConnection> {
    return this.service.search(user, args);
  }
}
