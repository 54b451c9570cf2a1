BEGIN;
INSERT INTO posts (cohort_id, thread_id, author_membership_id, author_user_id, body) VALUES ('3489e87e-8981-42bc-8d01-394094056818', '6a9cc072-a7dc-42d6-b724-c11d541d4fc5', 'f6e9aa2a-bfdd-4f51-9f82-8c5476bf2088', 'b4ff1f0c-0f4a-4469-92f6-726ca86c4b3b', 'A reply from pgbench');
INSERT INTO realtime_topics (topic, last_seq) VALUES ('thread:6a9cc072-a7dc-42d6-b724-c11d541d4fc5', 1) ON CONFLICT (topic) DO UPDATE SET last_seq = realtime_topics.last_seq + 1;
INSERT INTO realtime_events (topic, seq, cohort_id, type, ref) SELECT topic, last_seq, '3489e87e-8981-42bc-8d01-394094056818', 'post.created', '{}' FROM realtime_topics WHERE topic = 'thread:6a9cc072-a7dc-42d6-b724-c11d541d4fc5';
END;