import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('CalendarFeed')
export class CalendarFeedModel {
  @Field({
    description:
      'The secret iCalendar feed, as a path on this server (/calendar/<secret>.ics). Shown once: only its hash is kept.',
  })
  url!: string;

  @Field()
  createdAt!: Date;
}
