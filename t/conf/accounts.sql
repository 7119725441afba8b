-- Test accounts, one per stored-hash format. Passwords (test only):
--   alice@example.com   alice-pw,1   bcrypt $2y$ (a comma in it)
--   apr1@example.com    apr1-pw      $apr1$
--   sha@example.com     sha-pw       {SHA}
--   crypt@example.com   crypt-pw     crypt(3) SHA-512 ($6$)
--   pbkdf2@example.com  pbkdf2-pw    pbkdf2_sha256 (Escargot)
--   nopuid@example.com  x            PUID that is not a number
--   Mixed.Case@Example.com mixed-pw  {SHA}; stored with capitals: the name
--                                    tickets carry (t/16-stored-name.t)
--   demo@example.com    demo-pw      {SHA}; found as "dëmo" by MariaDB's
--                                    accent-insensitive collation (t/61)
INSERT INTO passport_accounts (signin, password_hash, puid) VALUES
 ('alice@example.com', '$2y$05$2uTiNK4DvcqAFKc31pWNfuSldHs5HMxlaPelOcC2PUB5Nia8QhaxK', 81985529216486895),
 ('apr1@example.com', '$apr1$zRgWxxwA$zixGq3rXR5K8/WSpvTL0b.', 2),
 ('sha@example.com', '{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=', 3),
 ('crypt@example.com', '$6$abcdefgh$Lpde4IR2/JYkZFBmo/ADytbjUvtUivz/nS4OIiIxCIf7oMSbzT7Vm.KY.VVreop23ohq.uTfgMa4dO33g883X.', 4),
 ('pbkdf2@example.com', 'pbkdf2_sha256$1000$pepper42$5CIVCyyCUrAbDieBvgqoweqrpbuKKlVzUZT2LU5OmCg=', 5),
 ('Mixed.Case@Example.com', '{SHA}oztKcaEgzdlSQmUrWpTjQibDewM=', 6),
 ('demo@example.com', '{SHA}srn7U9LP87q6nedPbXonzPDvGZg=', 7);

-- pbkdf2@example.com has a CID of its own (0x1234); the others get one
-- derived from their PUID.
UPDATE passport_accounts SET cid = 4660 WHERE signin = 'pbkdf2@example.com';

-- Where PassportTicketRecordQuery writes (t/31-record.t), and a table
-- whose CHECK refuses every write (a failing record query).
CREATE TABLE issued_tickets (ticket TEXT, puid TEXT, signin TEXT,
                             audience TEXT, expires INTEGER, mbi TEXT);
CREATE TABLE refused_tickets (ticket TEXT CHECK (length(ticket) < 5),
                              puid TEXT, signin TEXT, audience TEXT,
                              expires INTEGER, mbi TEXT);

-- PUIDs and CIDs as hex text, for PassportIdFormat hex (t/17-id-format.t):
-- good ones in either case, and bad ones that must be refused, never
-- truncated or padded.
CREATE TABLE hex_ids (signin TEXT, puid TEXT, cid TEXT);
INSERT INTO hex_ids (signin, puid, cid) VALUES
 ('alice@example.com', '0123456789ABCDEF', 'a16570867728950e'),
 ('sha@example.com', '00000000000000ff', NULL),
 ('apr1@example.com', '0F8FAD5B7728950', NULL),
 ('crypt@example.com', '0F8FAD5B7728950E', '1234'),
 ('pbkdf2@example.com', '12345', NULL),
 ('demo@example.com', '0123456789ABCDEF0', NULL);
