import { BreakoutGroups1795673516857 } from './1795673516857-BreakoutGroups.js';
import { Contributions1795673075549 } from './1795673075549-Contributions.js';
import { ExpertiseDirectory1795672048594 } from './1795672048594-ExpertiseDirectory.js';
import { CohortLifecycle1795671723542 } from './1795671723542-CohortLifecycle.js';
import { RealtimeEvents1795649125281 } from './1795649125281-RealtimeEvents.js';
import { ExpertSessions1795647308595 } from './1795647308595-ExpertSessions.js';
import { RepliesOutliveParents1795643601557 } from './1795643601557-RepliesOutliveParents.js';
import { Charter1795642791887 } from './1795642791887-Charter.js';
import { Mentions1795642344341 } from './1795642344341-Mentions.js';
import { Needs1795641050921 } from './1795641050921-Needs.js';
import { Threads1795640685423 } from './1795640685423-Threads.js';
import { Spaces1795639577448 } from './1795639577448-Spaces.js';
import { CohortStageGuard1795673000000 } from './1795673000000-CohortStageGuard.js';
import { Cohorts1795639084404 } from './1795639084404-Cohorts.js';
import { Foundation1795638407862 } from './1795638407862-Foundation.js';
/** Migrations in the order they run; `npm run migration:generate` appends here. */
export const MIGRATIONS: Function[] = [
  Foundation1795638407862,
  Cohorts1795639084404,
  Spaces1795639577448,
  Threads1795640685423,
  Needs1795641050921,
  Mentions1795642344341,
  Charter1795642791887,
  RepliesOutliveParents1795643601557,
  ExpertSessions1795647308595,
  RealtimeEvents1795649125281,
  CohortLifecycle1795671723542,
  ExpertiseDirectory1795672048594,
  CohortStageGuard1795673000000,
  Contributions1795673075549,
  BreakoutGroups1795673516857,
];
