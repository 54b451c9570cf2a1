import { AccessTokenEntity } from '../auth/access-token.entity.js';
import { UserEntity } from '../auth/user.entity.js';

/** Every entity of Convene; migrations must describe exactly these. */
export const ENTITIES = [UserEntity, AccessTokenEntity];
