import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';
import { OutboxDispatcher } from './dispatcher.service.js';
import { EVENTS_WRITTEN } from './event-log.service.js';

/** Wakes the dispatcher as soon as a transaction that wrote events has committed. */
@Injectable()
export class OutboxSubscriber implements EntitySubscriberInterface {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly dispatcher: OutboxDispatcher,
  ) {
    dataSource.subscribers.push(this);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.data[EVENTS_WRITTEN]) return;
    delete event.queryRunner.data[EVENTS_WRITTEN];
    this.dispatcher.kick();
  }
}
