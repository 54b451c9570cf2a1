import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ExternalSharing } from '../charter/charter-policy.js';
import { CharterPolicyService } from '../charter/charter-policy.service.js';
import { MembershipEntity } from '../cohorts/membership.entity.js';
import { forbidden } from '../common/errors.js';
import type { AuthUser } from '../common/request-context.js';
import { AuditService } from '../insights/audit.service.js';
import type { AuthorModel } from './dto/author.model.js';
import { PostEntity } from './post.entity.js';
import { ThreadsService } from './threads.service.js';

const ANONYMOUS_AUTHOR = 'A participant';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A Markdown digest of a thread to take outside the cohort, as the charter's externalSharing
 * allows: FORBIDDEN refuses; WITHOUT_ATTRIBUTION strips every name, ministry and country, in
 * bylines and in the text (mentions included); ALLOWED keeps what the reader's attribution rule
 * shows them. Hidden and deleted posts are never exported. Every export is audited.
 */
@Injectable()
export class ExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly threads: ThreadsService,
    private readonly policy: CharterPolicyService,
    private readonly audit: AuditService,
  ) {}

  async exportThread(user: AuthUser, threadId: string): Promise<string> {
    const thread = await this.threads.readable(user, threadId);
    const { externalSharing } = await this.policy.current(thread.cohortId);
    if (externalSharing === ExternalSharing.FORBIDDEN) {
      await this.audit.recordDenied({
        cohortId: thread.cohortId,
        actorId: user.id,
        subjectType: 'Thread',
        subjectId: thread.id,
        attempted: 'export',
      });
      throw forbidden('The cohort charter forbids sharing outside the cohort');
    }
    const anonymise = externalSharing === ExternalSharing.WITHOUT_ATTRIBUTION;
    const view = await this.threads.view(user, thread.cohortId, thread.id);
    const posts = await this.dataSource.manager.find(PostEntity, {
      where: { threadId: thread.id },
      relations: { authorMembership: true, authorUser: true },
      order: { createdAt: 'ASC' },
    });
    const scrub = anonymise ? await this.scrubber(thread.cohortId) : (text: string) => text;
    const byline = (author: AuthorModel | null) => {
      if (anonymise || !author) return ANONYMOUS_AUTHOR;
      const affiliation = [author.ministry, author.country].filter(Boolean).join(', ');
      return affiliation ? `${author.displayName} (${affiliation})` : author.displayName;
    };
    const model = this.threads.toThreadModel(thread, view);
    const lines = [
      `# ${scrub(model.title)}`,
      '',
      `*${byline(model.author)}, ${model.createdAt.toISOString().slice(0, 10)}*`,
      '',
      scrub(model.body),
      '',
    ];
    for (const post of posts) {
      if (post.hiddenAt || post.deletedAt) continue;
      const reply = this.threads.toPostModel(post, view);
      lines.push(
        '---',
        '',
        `*${byline(reply.author)}, ${reply.createdAt.toISOString().slice(0, 10)}*`,
        '',
        scrub(post.body),
        '',
      );
    }
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        cohortId: thread.cohortId,
        actorId: user.id,
        action: 'thread.exported',
        subjectType: 'Thread',
        subjectId: thread.id,
        details: { externalSharing },
      }),
    );
    return lines.join('\n');
  }

  /**
   * Replaces every member's display name, and each word of it of three letters or more (a first
   * name used alone), with or without "@", by a neutral phrase. Whole words only.
   */
  private async scrubber(cohortId: string): Promise<(text: string) => string> {
    const members = await this.dataSource.manager.find(MembershipEntity, {
      where: { cohortId },
      relations: { user: true },
    });
    const names = new Set<string>();
    for (const member of members) {
      const name = member.user!.displayName.normalize('NFKC').trim();
      if (name.length > 1) names.add(name);
      for (const word of name.split(/\s+/)) if ([...word].length >= 3) names.add(word);
    }
    if (names.size === 0) return (text) => text;
    const alternatives = [...names]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])@?(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu');
    // Compared in one Unicode form, so a name typed with combining accents is still found.
    return (text) => text.normalize('NFKC').replace(pattern, 'a participant');
  }
}
