-- Settings added after the first release (UI.md §4.3, issue 7): 扫码合并 (a scanned item
-- already on the document adds 1 to its line), how many backups to keep besides one per
-- closed month, and the minutes of inactivity after which a session locks (0: never).
-- Column defaults give existing books the behaviour they had.
ALTER TABLE book ADD COLUMN scan_merge INTEGER NOT NULL DEFAULT 1 CHECK (scan_merge IN (0, 1));
ALTER TABLE book ADD COLUMN backup_keep INTEGER NOT NULL DEFAULT 30 CHECK (backup_keep BETWEEN 1 AND 999);
ALTER TABLE book ADD COLUMN idle_lock_min INTEGER NOT NULL DEFAULT 0 CHECK (idle_lock_min BETWEEN 0 AND 480);
