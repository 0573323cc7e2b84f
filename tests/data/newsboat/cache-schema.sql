-- newsboat's cache.db schema, as its schema patches create it (src/cache.cpp, `schemaPatches`):
-- version 2.10 creates the tables then alters them, 2.11 adds `metadata`, 2.22 and 2.33 add
-- columns. Statements and their order are newsboat's; only the SQL comments are ours.

-- 2.10
CREATE TABLE rss_feed (  rssurl VARCHAR(1024) PRIMARY KEY NOT NULL,  url VARCHAR(1024) NOT NULL,  title VARCHAR(1024) NOT NULL ); 
CREATE TABLE rss_item (  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  guid VARCHAR(64) NOT NULL,  title VARCHAR(1024) NOT NULL,  author VARCHAR(1024) NOT NULL,  url VARCHAR(1024) NOT NULL,  feedurl VARCHAR(1024) NOT NULL,  pubDate INTEGER NOT NULL,  content VARCHAR(65535) NOT NULL, unread INTEGER(1) NOT NULL );
CREATE TABLE google_replay (  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  guid VARCHAR(64) NOT NULL,  state INTEGER NOT NULL,  ts INTEGER NOT NULL );
ALTER TABLE rss_item ADD enclosure_url VARCHAR(1024);
ALTER TABLE rss_item ADD enclosure_type VARCHAR(1024);
ALTER TABLE rss_item ADD enqueued INTEGER(1) NOT NULL DEFAULT 0;
ALTER TABLE rss_item ADD flags VARCHAR(52);
CREATE INDEX IF NOT EXISTS idx_rssurl ON rss_feed(rssurl);
CREATE INDEX IF NOT EXISTS idx_guid ON rss_item(guid);
CREATE INDEX IF NOT EXISTS idx_feedurl ON rss_item(feedurl);
ANALYZE;
ALTER TABLE rss_feed ADD lastmodified INTEGER(11) NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS idx_lastmodified ON rss_feed(lastmodified);
ALTER TABLE rss_item ADD deleted INTEGER(1) NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS idx_deleted ON rss_item(deleted);
ALTER TABLE rss_feed ADD is_rtl INTEGER(1) NOT NULL DEFAULT 0;
ALTER TABLE rss_feed ADD etag VARCHAR(128) NOT NULL DEFAULT "";
ALTER TABLE rss_item ADD base VARCHAR(128) NOT NULL DEFAULT "";

-- 2.11
CREATE TABLE metadata (  db_schema_version_major INTEGER NOT NULL,  db_schema_version_minor INTEGER NOT NULL );
INSERT INTO metadata VALUES ( 2, 11 );

-- 2.22
UPDATE metadata SET db_schema_version_major = 2, db_schema_version_minor = 22;
ALTER TABLE rss_item ADD COLUMN content_mime_type VARCHAR(255) NOT NULL DEFAULT "";

-- 2.33
UPDATE metadata SET db_schema_version_major = 2, db_schema_version_minor = 33;
ALTER TABLE rss_item ADD COLUMN enclosure_description VARCHAR(1024) NOT NULL DEFAULT "";
ALTER TABLE rss_item ADD COLUMN enclosure_description_mime_type VARCHAR(128) NOT NULL DEFAULT "";
