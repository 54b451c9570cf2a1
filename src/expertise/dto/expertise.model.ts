import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsISO6391,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ConnectionType, PageArgs } from '../../common/pagination.js';
import { MembershipModel } from '../../cohorts/dto/membership.model.js';
import { AuthorModel } from '../../threads/dto/author.model.js';
import { EXPERTISE_AREA_CODES } from '../expertise-areas.js';

const trimAll = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
/** Language codes are compared lower-case: "FR" is "fr". */
const lowerAll = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value;
const lower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

@ObjectType('ExpertiseArea')
export class ExpertiseAreaModel {
  @Field()
  code!: string;

  @Field()
  name!: string;
}

@ObjectType('MemberProfile')
export class MemberProfileModel {
  @Field(() => MembershipModel)
  membership!: MembershipModel;

  @Field(() => [ExpertiseAreaModel])
  areas!: ExpertiseAreaModel[];

  @Field({ description: 'Expertise in the member’s own words.' })
  expertiseNotes!: string;

  @Field(() => [String], { description: 'Experience statements, e.g. "led national device procurement, 2021".' })
  experience!: string[];

  @Field(() => [String], { description: 'ISO 639-1 codes of the languages the member speaks.' })
  languages!: string[];

  @Field(() => Date, { nullable: true, description: 'Null until the member has written a profile.' })
  updatedAt!: Date | null;
}

@ObjectType()
export class MemberProfileConnection extends ConnectionType(MemberProfileModel, 'MemberProfile') {}

@InputType()
export class UpdateProfileInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field(() => [String], { description: 'Codes from `expertiseAreas`.' })
  @ArrayMaxSize(10, { message: 'takes at most 10 areas' })
  @IsIn(EXPERTISE_AREA_CODES, { each: true, message: 'must hold codes from the expertiseAreas list' })
  areas!: string[];

  @Field({ defaultValue: '' })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  expertiseNotes!: string;

  @Field(() => [String], { defaultValue: [] })
  @Transform(trimAll)
  @ArrayMaxSize(10, { message: 'takes at most 10 statements' })
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'must not hold an empty statement' })
  @MaxLength(300, { each: true, message: 'must hold statements of at most 300 characters' })
  experience!: string[];

  @Field(() => [String], { defaultValue: [] })
  @Transform(lowerAll)
  @ArrayMaxSize(20, { message: 'takes at most 20 languages' })
  @IsISO6391({ each: true, message: 'must hold ISO 639-1 language codes, such as "en" or "fr"' })
  languages!: string[];
}

@ArgsType()
export class DirectoryArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a cohort id' })
  cohortId!: string;

  @Field(() => String, { nullable: true, description: 'Words to find in areas, notes and experience.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  query?: string | null;

  @Field(() => String, { nullable: true, description: 'Only members who tagged this area.' })
  @IsOptional()
  @IsIn(EXPERTISE_AREA_CODES, { message: 'must be a code from the expertiseAreas list' })
  area?: string | null;

  @Field(() => String, { nullable: true, description: 'Only members who speak this language (ISO 639-1).' })
  @IsOptional()
  @Transform(lower)
  @IsISO6391({ message: 'must be an ISO 639-1 language code, such as "en" or "fr"' })
  language?: string | null;
}

@ObjectType('HelpSuggestion', {
  description:
    'A member whose profile matches a thread or a need. Under the ANONYMOUS attribution rule it names nobody: ' +
    '`member` is null, `matchedAreas` empty, `score` 0 and `alreadyAsked` false, in no meaningful order; ' +
    '`askForHelp` reaches them without telling the asker who they are.',
})
export class HelpSuggestionModel {
  @Field(() => ID, { description: 'Opaque; good for `askForHelp` by this caller, about this thread or need.' })
  id!: string;

  @Field(() => MembershipModel, { nullable: true })
  member!: MembershipModel | null;

  @Field(() => [ExpertiseAreaModel], { description: 'The areas of the profile that the thread or need speaks of.' })
  matchedAreas!: ExpertiseAreaModel[];

  @Field(() => Float, { description: 'Relevance; higher is better. Suggestions come best first.' })
  score!: number;

  @Field({ description: 'Whether this member was already asked for help with it (by anyone).' })
  alreadyAsked!: boolean;
}

@ArgsType()
export class WhoCouldHelpArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a thread id' })
  threadId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a need id' })
  needId?: string | null;

  @Field(() => Int, { defaultValue: 5 })
  @Min(1)
  @Max(20)
  first!: number;
}

@InputType()
export class AskForHelpInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a thread id' })
  threadId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a need id' })
  needId?: string | null;

  @Field(() => [String], {
    description: 'Ids of suggestions `whoCouldHelp` gave this caller for the same thread or need (opaque).',
  })
  @ArrayMaxSize(20, { message: 'takes at most 20 suggestions' })
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  suggestionIds!: string[];
}

@ObjectType('Contribution', {
  description: 'A named contributor to a session segment or a thread, attributed as the charter allows this reader.',
})
export class ContributionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field(() => AuthorModel, { nullable: true, description: 'Null where the attribution rule hides who it is.' })
  contributor!: AuthorModel | null;

  @Field()
  createdAt!: Date;
}

@InputType()
export class InviteContributorInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a membership id' })
  membershipId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a session id' })
  sessionId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be a thread id' })
  threadId?: string | null;

  @Field({ description: 'The segment (for a session) or what they are asked to bring (for a thread).' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  title!: string;
}
