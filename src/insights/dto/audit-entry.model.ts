import { Field, ID, ObjectType } from '@nestjs/graphql';
import { UserModel } from '../../auth/dto/user.model.js';
import { ConnectionType } from '../../common/pagination.js';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'What happened, e.g. `invitation.created`, `membership.removed`, `access.denied`.' })
  action!: string;

  @Field(() => UserModel, { nullable: true, description: 'Null for actions of the system itself.' })
  actor!: UserModel | null;

  @Field()
  subjectType!: string;

  @Field(() => ID)
  subjectId!: string;

  @Field()
  at!: Date;
}

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntryModel, 'AuditEntry') {}
