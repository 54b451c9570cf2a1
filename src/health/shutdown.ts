import { Injectable } from '@nestjs/common';

/** Set when the server is asked to stop: readiness turns false so load balancers move away. */
@Injectable()
export class ShutdownState {
  draining = false;
}
