/**
 * The shapes authz judges. Domains map their entities onto these (with CASL's `subject()`), so
 * `authz/` imports no domain module and every rule reads only these fields.
 */
export type CohortRole = 'FACILITATOR' | 'MEMBER' | 'SCHOLAR' | 'VENDOR' | 'OBSERVER';

export interface CohortSubject {
  id: string;
}

export interface MembershipSubject {
  id: string;
  cohortId: string;
  userId: string;
  status: 'ACTIVE' | 'REMOVED';
}

export interface InvitationSubject {
  id: string;
  cohortId: string;
}

export interface AuditLogSubject {
  cohortId: string;
}

export interface SpaceSubject {
  id: string;
  cohortId: string;
  /** Roles admitted; empty admits every role that may read spaces. */
  audienceRoles: string[];
  /** Ministry codes admitted; empty admits every ministry. */
  audienceMinistries: string[];
}

export interface NeedSubject {
  id: string;
  cohortId: string;
}

export interface ThreadSubject {
  id: string;
  cohortId: string;
  spaceId: string;
  authorUserId: string;
}

export interface PostSubject {
  id: string;
  cohortId: string;
  /** The space of the post's thread. */
  spaceId: string;
  authorUserId: string;
}

export interface SessionSubject {
  id: string;
  cohortId: string;
}

export interface QuestionSubject {
  id: string;
  cohortId: string;
  sessionId: string;
  authorUserId: string;
  /** The session's speakers, who may mark its questions answered. */
  sessionExpertMembershipIds: string[];
}

export interface InsightsSubject {
  cohortId: string;
}

/** A breakout group of a live session: its notes, members and report-back. */
export interface BreakoutSubject {
  id: string;
  cohortId: string;
  sessionId: string;
  /** The memberships placed in the group. */
  memberIds: string[];
}

/** The cohort's expertise directory: profiles, search and "who could help". */
export interface DirectorySubject {
  cohortId: string;
}

export interface SubjectShapes {
  Cohort: CohortSubject;
  Membership: MembershipSubject;
  Invitation: InvitationSubject;
  AuditLog: AuditLogSubject;
  Space: SpaceSubject;
  Need: NeedSubject;
  Thread: ThreadSubject;
  Post: PostSubject;
  Charter: CharterSubject;
  Proposal: ProposalSubject;
  Session: SessionSubject;
  Question: QuestionSubject;
  Insights: InsightsSubject;
  Directory: DirectorySubject;
  Breakout: BreakoutSubject;
}

export type SubjectType = keyof SubjectShapes;

/** What the ability is built from: the caller, their memberships, and the time of the request. */
export interface Actor {
  userId: string;
  platformRole: 'ADMIN' | 'USER';
  memberships: ActorMembership[];
}

export interface ActorMembership {
  id: string;
  cohortId: string;
  role: CohortRole;
  status: 'ACTIVE' | 'REMOVED';
  /** When access ends: the membership's own end, or for experts the end of their last session. */
  accessExpiresAt: Date | null;
  ministry: string;
  /** Spaces a SCHOLAR was granted. */
  grantedSpaceIds: string[];
  /** Sessions a SCHOLAR or VENDOR was granted. */
  grantedSessionIds: string[];
  /** Whether the member accepted the charter version in force; content waits until they have. */
  charterAccepted: boolean;
  /** The charter in force's attribution rule: how this member sees who wrote what. */
  attribution: 'NAMED' | 'CHATHAM_HOUSE' | 'ANONYMOUS';
  /**
   * What this row was read under: the charter version in force and the membership's last change.
   * A realtime delivery compares them with the database to know a socket's cached view is current.
   */
  revision: { charterVersion: number; changedAt: string };
  /** The charter in force admits observers to content. */
  observersAllowed: boolean;
  /** The charter in force shuts vendors out (vendorAccess NONE). */
  vendorsShutOut: boolean;
  /** Where the cohort is in its life: what may still be written. */
  cohort: CohortLifecycle;
}

/** A cohort's stage, which decides what may still be written in it (see `lifecycleRefusal`). */
export interface CohortLifecycle {
  status: 'ACTIVE' | 'CONCLUDED' | 'ARCHIVED';
  /** The space opened at conclusion; the one place content may still be written while CONCLUDED. */
  alumniSpaceId: string | null;
}

export interface CharterSubject {
  cohortId: string;
}

export interface ProposalSubject {
  id: string;
  cohortId: string;
  proposerUserId: string;
}
