BEGIN;
INSERT INTO posts (cohort_id, thread_id, author_membership_id, author_user_id, body) VALUES ('a3e2a28a-a640-4211-89ed-a938615962f1', 'be5f1621-1f1c-4beb-9988-06a6f42d185c', 'a0dd80ff-3ea0-4fce-8409-ece5f890b42e', '8614731b-0959-4db3-a0a4-29d53678444c', 'A reply from pgbench');
INSERT INTO realtime_topics (topic, last_seq) VALUES ('thread:be5f1621-1f1c-4beb-9988-06a6f42d185c', 1) ON CONFLICT (topic) DO UPDATE SET last_seq = realtime_topics.last_seq + 1;
INSERT INTO realtime_events (topic, seq, cohort_id, type, ref) SELECT topic, last_seq, 'a3e2a28a-a640-4211-89ed-a938615962f1', 'post.created', '{}' FROM realtime_topics WHERE topic = 'thread:be5f1621-1f1c-4beb-9988-06a6f42d185c';
END;