import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PlatformRole, type UserEntity } from '../user.entity.js';

registerEnumType(PlatformRole, { name: 'PlatformRole' });

@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field()
  displayName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Shown to the account itself and to those who manage it; null for everyone else.',
  })
  email!: string | null;

  @Field(() => PlatformRole)
  platformRole!: PlatformRole;
}

export function toUserModel(user: UserEntity, options: { showEmail: boolean }): UserModel {
  return {
    id: user.id,
    displayName: user.displayName,
    email: options.showEmail ? user.email : null,
    platformRole: user.platformRole,
  };
}
