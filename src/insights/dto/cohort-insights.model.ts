import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

@ObjectType('ParticipationCell', {
  description: 'Members of one group (a ministry or a country) who contributed in one week, and how often.',
})
export class ParticipationCellModel {
  @Field({ description: 'Monday 00:00 UTC of the week.' })
  week!: Date;

  @Field({ description: 'A ministry code or an ISO country code.' })
  group!: string;

  @Field(() => Int, { nullable: true, description: 'Null when suppressed.' })
  members!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Threads, replies, questions, needs and supports; null when suppressed.',
  })
  contributions!: number | null;

  @Field({ description: 'Built from fewer than three members, so withheld.' })
  suppressed!: boolean;
}

@ObjectType('ReplyFlowCell', {
  description: 'Replies by members of one ministry to members of another: who helps whom.',
})
export class ReplyFlowCellModel {
  @Field()
  fromMinistry!: string;

  @Field()
  toMinistry!: string;

  @Field(() => Int, { nullable: true, description: 'Null when suppressed.' })
  replies!: number | null;

  @Field({ description: 'Built from fewer than three repliers, so withheld.' })
  suppressed!: boolean;
}

@ObjectType('NeedsWeek')
export class NeedsWeekModel {
  @Field()
  week!: Date;

  @Field(() => Int, { nullable: true, description: 'Needs submitted that week; null when suppressed.' })
  submitted!: number | null;

  @Field(() => Int, { nullable: true, description: 'Of those, how many are addressed now; null when suppressed.' })
  addressed!: number | null;

  @Field()
  suppressed!: boolean;
}

@ObjectType('AttendanceWeek')
export class AttendanceWeekModel {
  @Field({ description: 'Sessions starting that week.' })
  week!: Date;

  @Field(() => Int)
  sessions!: number;

  @Field(() => Int, { nullable: true, description: 'GOING answers to those sessions; null when suppressed.' })
  going!: number | null;

  @Field()
  suppressed!: boolean;
}

@ObjectType('CohortInsights', {
  description:
    'Whether the community works and silos break down, in aggregates only. Any cell built from fewer than three members is suppressed.',
})
export class CohortInsightsModel {
  @Field(() => Int, {
    description: 'Members in force who contributed (thread, reply, question, need, support) in the last 28 days.',
  })
  activeMembers!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "Replies whose author's ministry differs from that of the post (or thread) replied to, over all replies; null without replies.",
  })
  crossMinistryReplyRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'The same for countries.' })
  crossCountryReplyRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'ADDRESSED needs over all needs; null without needs.' })
  needsAddressedRate!: number | null;

  @Field(() => Int, { description: 'How many weeks the breakdowns cover, up to this one.' })
  weeks!: number;

  @Field({ description: 'True under the ANONYMOUS attribution rule: no breakdown by ministry or country is given.' })
  breakdownsWithheld!: boolean;

  @Field(() => [ParticipationCellModel])
  participationByMinistry!: ParticipationCellModel[];

  @Field(() => [ParticipationCellModel])
  participationByCountry!: ParticipationCellModel[];

  @Field(() => [ReplyFlowCellModel], { description: 'Over the weeks covered.' })
  replyMatrix!: ReplyFlowCellModel[];

  @Field(() => [NeedsWeekModel])
  needsByWeek!: NeedsWeekModel[];

  @Field(() => [AttendanceWeekModel])
  sessionAttendance!: AttendanceWeekModel[];
}

@ArgsType()
export class CohortInsightsArgs {
  @Field(() => Int, { nullable: true, defaultValue: 12, description: 'Weeks of breakdowns, 1 to 52.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(52)
  weeks: number = 12;
}
