import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../authz/policy.decorator.js';
import { CalendarService } from './calendar.service.js';

const SUFFIX = '.ics';

// Public: calendar apps subscribe to a URL and cannot send a bearer token. The secret in the URL
// is the credential; the service answers only for a live feed of a membership in force.
@Public()
@Controller('calendar')
export class CalendarController {
  private readonly logger = new Logger(CalendarController.name);

  constructor(private readonly calendar: CalendarService) {}

  /**
   * GET /calendar/<secret>.ics: the member's sessions, or a plain 404 for anything else. The
   * file name is read from the request rather than through `@Param`, so the global validation
   * pipe cannot turn a malformed secret (a NUL, say) into an error page: it simply matches no feed.
   */
  @Get(':file')
  async feed(@Req() req: Request<{ file: string }>, @Res() res: Response): Promise<void> {
    // The feed is one person's view: no shared cache may keep it.
    res.setHeader('Cache-Control', 'private, no-store');
    const file = req.params.file;
    const secret = typeof file === 'string' && file.endsWith(SUFFIX) ? file.slice(0, -SUFFIX.length) : null;
    let body: string | null;
    try {
      body = secret ? await this.calendar.render(secret) : null;
    } catch (error) {
      // HTTP errors do not pass through the GraphQL error mapping: answer plainly, log the cause.
      this.logger.error({ err: error }, 'Could not render a calendar feed');
      res.status(500).type('text/plain; charset=utf-8').send('Calendar feed unavailable\n');
      return;
    }
    if (body === null) {
      res.status(404).type('text/plain; charset=utf-8').send('Calendar feed not found\n');
      return;
    }
    res.status(200).type('text/calendar; charset=utf-8').send(body);
  }
}
