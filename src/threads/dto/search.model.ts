import { ArgsType, createUnionType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageInfo } from '../../common/pagination.js';
import { PostModel, ThreadModel } from './thread.model.js';

export const SearchResult = createUnionType({
  name: 'SearchResult',
  types: () => [ThreadModel, PostModel] as const,
  resolveType: (value: ThreadModel | PostModel) => ('threadId' in value ? PostModel : ThreadModel),
});

@ObjectType()
export class SearchEdge {
  @Field()
  cursor!: string;

  @Field(() => SearchResult)
  node!: ThreadModel | PostModel;

  @Field({ description: 'The matching passage with the query terms marked by <b>…</b> (never from a hidden post).' })
  snippet!: string;
}

@ObjectType()
export class SearchConnection {
  @Field(() => [SearchEdge])
  edges!: SearchEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ArgsType()
export class SearchArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field()
  @IsString()
  @Matches(/[\p{L}\p{N}]/u, { message: 'must contain a word to search for' })
  @MaxLength(200)
  query!: string;

  @Field(() => Int, { nullable: true, defaultValue: 20 })
  @IsInt()
  @Min(1)
  @Max(50)
  first: number = 20;
}
