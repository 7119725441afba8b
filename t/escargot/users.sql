-- Two Escargot accounts for t/35-escargot.t, as Escargot's script/user.py
-- writes them: a uuid4, the address as typed, an Escargot pbkdf2_sha256
-- hash (24000 iterations, a 15-character salt used as ASCII, the key in
-- standard base64), dates as naive UTC text.
--   alice@escargot.test  123456    (a known-answer vector, hashlib's)
--   Bob@Escargot.Test    bob-pw 2  (stored with capitals)
INSERT INTO t_user (front_data, id, date_created, date_login, uuid, email,
    username, verified, name, name_last_modified, friendly_name, message,
    message_last_modified, password, groups, settings) VALUES
 ('{}', 1, '2024-07-20 10:00:00.000000', NULL,
  '0f8fad5b-d9cb-469f-a165-70867728950e', 'alice@escargot.test', 'alice', 1,
  NULL, '2024-07-20 10:00:00.000000', 'Alice', NULL,
  '2024-07-20 10:00:00.000000',
  'pbkdf2_sha256$24000$0123456789abcde$yONiVRpWKzcFc94bBt+zbJBxNhpz8i/k2sluSCws4EM=',
  '[]', '{}'),
 ('{}', 2, '2024-07-20 10:00:00.000000', NULL,
  '6ba7b810-9dad-41d1-80b4-00c04fd430c8', 'Bob@Escargot.Test', 'bob', 1,
  NULL, '2024-07-20 10:00:00.000000', 'Bob', NULL,
  '2024-07-20 10:00:00.000000',
  'pbkdf2_sha256$24000$fedcba987654321$edx4ed+9hFY0s9cky4oM1YJw6FL8xDh81wioyOKWR4c=',
  '[]', '{}');
